import { describe, expect, it } from 'vitest';
import type { Router } from '../../api/router.ts';
import { API_VERSION } from '../../api/meta.ts';
import { filter } from './layer-fixtures.ts';
import { filterTargets, filtersTargeting, type TargetingObject } from './filters-targeting.ts';

const timeout = [{ timeout: '1s' }];

describe('filtersTargeting', () => {
  const router = (host?: string): Router => ({
    apiVersion: API_VERSION,
    kind: 'Router',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: { port: 9080, subsets: [{ branch: 'master' }], ...(host ? { host } : {}) },
  });
  const filters = [
    filter('by-router', timeout),
    filter('other-router', timeout, { target: { router: 'ratings' } }),
    filter('other-namespace', timeout, { namespace: 'other' }),
    filter('by-default-host', timeout, { target: { host: 'reviews.shop.svc.cluster.local' } }),
    filter('by-custom-host', timeout, { target: { host: 'reviews.example.com' } }),
  ];

  it.each([
    { host: undefined, expected: ['by-router', 'by-default-host'] },
    { host: 'reviews.example.com', expected: ['by-router', 'by-custom-host'] },
  ])('host $host', ({ host, expected }) => {
    expect(filtersTargeting(router(host), filters).map((f) => f.metadata.name)).toEqual(expected);
  });
});

describe('filterTargets', () => {
  const router: TargetingObject = { metadata: { name: 'reviews', namespace: 'shop' }, spec: { host: 'reviews.example.com' } };
  const loose = (target: unknown, namespace: string | null = 'shop'): TargetingObject => ({ metadata: { name: 'f', ...(namespace === null ? {} : { namespace }) }, spec: { target } });

  it.each([
    ['by name', loose({ router: 'reviews' }), true],
    ['by host', loose({ host: 'reviews.example.com' }), true],
    ['both set (schema-invalid), either matching', loose({ router: 'ratings', host: 'reviews.example.com' }), true],
    ['another Router', loose({ router: 'ratings' }), false],
    ['another namespace', loose({ router: 'reviews' }, 'other'), false],
    ['no namespace (default)', loose({ router: 'reviews' }, null), false],
    ['a non-string name (schema-invalid)', loose({ router: 1 }), false],
    ['no target', { metadata: { name: 'f', namespace: 'shop' } }, false],
  ])('%s', (_, f, expected) => {
    expect(filterTargets(f, router)).toBe(expected);
  });

  it('reads a cached Router’s host leniently: a non-string spec.host counts as absent', () => {
    const cached: TargetingObject = { metadata: { name: 'reviews', namespace: 'shop' }, spec: { host: 42 } };
    expect(filterTargets(loose({ host: 'reviews.shop.svc.cluster.local' }), cached)).toBe(true);
  });
});
