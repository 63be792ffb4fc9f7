import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { istioFilterSpec } from './istio-filter.ts';
import { rateLimitSpec } from './rate-limit.ts';
import { routerSpec } from './router.ts';

const seedRouter = {
  port: 9090,
  protocol: 'http',
  subsets: [{ branch: 'master', versions: { 'v1.0.1': 90, 'v1.0.2': 10 } }, { branch: 'box-0999' }],
};
const seedRateLimit = {
  hosts: ['sm-verify-page.sm-verify.svc.cluster.local:80'],
  match: { headers: [{ key: ':path', matchType: 'exact', value: '/Page.Show' }] },
  quota: 800,
  stage: 1,
  unit: 'SECOND',
};
const faultFilter = {
  target: { router: 'reviews' },
  priority: 10,
  expiresAt: '2030-01-01T00:00:00Z',
  patches: [{ fault: { abort: { httpStatus: 503, percentage: 5 } } }],
};

interface Case {
  name: string;
  schema: z.ZodType;
  input: unknown;
  path?: (string | number)[];
  message?: string;
}

const bad: Case[] = [
  {
    name: 'Router weights not summing to 100',
    schema: routerSpec,
    input: { ...seedRouter, subsets: [{ branch: 'master', versions: { v1: 100, v2: 10 } }] },
    path: ['subsets', 0, 'versions'],
    message: 'weights of branch master must sum to 100 (got 110)',
  },
  {
    name: 'Router progression on a default branch without versions',
    schema: routerSpec,
    input: { ...seedRouter, subsets: [{ branch: 'box-1' }, { branch: 'master', default: true }], progression: { steps: [10] } },
    path: ['progression'],
    message: "progression walks the default branch's versions: branch master has none",
  },
  {
    name: 'Router progression steps not increasing',
    schema: routerSpec,
    input: { ...seedRouter, progression: { steps: [25, 5] } },
    path: ['progression', 'steps'],
    message: 'steps must be strictly increasing (got [25,5])',
  },
  {
    name: 'Router duplicate branch',
    schema: routerSpec,
    input: { ...seedRouter, subsets: [{ branch: 'master' }, { branch: 'box-1' }, { branch: 'master' }] },
    path: ['subsets', 2, 'branch'],
    message: 'branch names must be unique (duplicate master)',
  },
  {
    name: 'Router with two default branches',
    schema: routerSpec,
    input: { ...seedRouter, subsets: [{ branch: 'master', default: true }, { branch: 'main', default: true }] },
    path: ['subsets'],
    message: 'at most one branch may be marked default (got 2)',
  },
  {
    name: 'RateLimit without quota',
    schema: rateLimitSpec,
    input: { ...seedRateLimit, quota: undefined },
    path: ['quota'],
    message: 'Invalid input: expected number, received undefined',
  },
  { name: 'RateLimit with quota 0', schema: rateLimitSpec, input: { ...seedRateLimit, quota: 0 }, path: ['quota'], message: 'quota must be greater than 0 (got 0)' },
  {
    name: 'RateLimit header match without value',
    schema: rateLimitSpec,
    input: { ...seedRateLimit, match: { headers: [{ key: ':path', matchType: 'prefix' }] } },
    path: ['match', 'headers', 0, 'value'],
    message: 'value is required for matchType prefix',
  },
  {
    name: 'RateLimit with neither hosts nor workloadSelector',
    schema: rateLimitSpec,
    input: { ...seedRateLimit, hosts: undefined },
    path: ['hosts'],
    message: 'set hosts and/or workloadSelector to say which service is limited',
  },
  {
    name: 'IstioFilter priority 2000',
    schema: istioFilterSpec,
    input: { ...faultFilter, priority: 2000 },
    path: ['priority'],
    message: 'priority must be between -1000 and 1000 (got 2000)',
  },
  {
    name: 'IstioFilter patch with two types',
    schema: istioFilterSpec,
    input: { ...faultFilter, patches: [{ timeout: '5s', retries: { attempts: 3 } }] },
    path: ['patches', 0],
    message: 'exactly one patch type must be set (got retries, timeout)',
  },
  {
    name: 'IstioFilter target with both router and host',
    schema: istioFilterSpec,
    input: { ...faultFilter, target: { router: 'reviews', host: 'reviews.default.svc.cluster.local' } },
    path: ['target'],
    message: 'target needs exactly one of router or host',
  },
];

const good: Case[] = [
  { name: 'seed Router', schema: routerSpec, input: seedRouter },
  {
    name: 'Router with a marked default and a header-matched sandbox',
    schema: routerSpec,
    input: { port: 80, subsets: [{ branch: 'box-1', match: { headers: { 'x-branch': { exact: 'box-1' } } } }, { branch: 'master', default: true, versions: { v1: 100 } }] },
  },
  { name: 'seed RateLimit', schema: rateLimitSpec, input: seedRateLimit },
  { name: 'RateLimit by workloadSelector with a present match', schema: rateLimitSpec, input: { workloadSelector: { labels: { app: 'page' } }, match: { headers: [{ key: 'x-user', matchType: 'present' }] }, quota: 1, unit: 'MINUTE' } },
  { name: 'IstioFilter fault on a Router', schema: istioFilterSpec, input: faultFilter },
  {
    name: 'IstioFilter JSON patch on a host at the priority bound',
    schema: istioFilterSpec,
    input: { target: { host: 'reviews.default.svc.cluster.local' }, priority: -1000, patches: [{ jsonPatch: { target: 'VirtualService', ops: [{ op: 'add', path: '/spec/http/0/timeout', value: '3s' }] } }] },
  },
];

describe('api schemas', () => {
  it.each(bad)('rejects $name', ({ schema, input, path, message }) => {
    const result = schema.safeParse(input);
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((issue) => ({ path: issue.path, message: issue.message }));
    expect(issues).toContainEqual({ path, message });
  });

  it.each(good)('accepts $name', ({ schema, input }) => {
    const result = schema.safeParse(input);
    expect(result.error?.issues ?? []).toStrictEqual([]);
    expect(result.data).toStrictEqual(input);
  });
});
