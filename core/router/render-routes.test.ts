import { describe, expect, it } from 'vitest';
import type { RouterSpec } from '../../api/router.ts';
import type { HTTPRoute } from '../istio/types.ts';
import { renderRouter } from './render-router.ts';
import { baggageRegex } from './render-routes.ts';
import { makeRouter } from './router-fixtures.ts';

const HOST = 'sm-verify-page.sm-verify.svc.cluster.local';
const dest = (subset: string, weight?: number) => ({ destination: { host: HOST, subset, port: { number: 80 } }, ...(weight === undefined ? {} : { weight }) });

function http(spec: Omit<RouterSpec, 'port'>): HTTPRoute[] {
  const vs = renderRouter(makeRouter({ port: 80, ...spec })).virtualService;
  return vs.spec.http ?? [];
}

describe('http routes', () => {
  it.each<[string, Omit<RouterSpec, 'port'>, string[]]>([
    ['sandboxes before the default', { subsets: [{ branch: 'main' }, { branch: 'box-1' }, { branch: 'box-2' }] }, ['box-1', 'box-2', 'main']],
    ['marked default last, sandboxes in declared order', { subsets: [{ branch: 'box-2' }, { branch: 'main', default: true }, { branch: 'box-1' }] }, ['box-2', 'box-1', 'main']],
    ['a lone branch', { subsets: [{ branch: 'main' }] }, ['main']],
  ])('route order: %s', (_name, spec, names) => {
    expect(http(spec).map((r) => r.name)).toEqual(names);
  });

  it.each<[string, Record<string, number> | undefined, object[]]>([
    ['90/10 canary', { 'v1.0.1': 90, 'v1.0.2': 10 }, [dest('main-v1-0-1', 90), dest('main-v1-0-2', 10)]],
    ['zero weight kept at 0', { a: 0, b: 100 }, [dest('main-a', 0), dest('main-b', 100)]],
    ['one version, no weight', { v1: 100 }, [dest('main-v1')]],
    ['no versions, no weight', undefined, [dest('main')]],
  ])('default route weights: %s', (_name, versions, route) => {
    const routes = http({ subsets: [versions ? { branch: 'main', versions } : { branch: 'main' }] });
    expect(routes).toEqual([{ name: 'main', route }]);
  });

  it('routes a versioned sandbox by weight to its own subsets', () => {
    const [box] = http({ subsets: [{ branch: 'main' }, { branch: 'box-1', versions: { a: 30, b: 70 } }] });
    expect(box?.route).toEqual([dest('box-1-a', 30), dest('box-1-b', 70)]);
  });

  it.each<[string, Partial<RouterSpec>, RouterSpec['subsets'][number]['match'], object[]]>([
    ['sourceLabels only', {}, undefined, [{ sourceLabels: { branch: 'box-1' } }]],
    ['custom branch key', { labelKeys: { branch: 'lane' } }, undefined, [{ sourceLabels: { lane: 'box-1' } }]],
    [
      'headers in one block, names lowercased and sorted',
      {},
      { headers: { 'X-Lane': { exact: 'box-1' }, 'x-debug': { prefix: 'on' } } },
      [{ sourceLabels: { branch: 'box-1' } }, { headers: { 'x-debug': { prefix: 'on' }, 'x-lane': { exact: 'box-1' } } }],
    ],
    ['empty header map adds no block', {}, { headers: {} }, [{ sourceLabels: { branch: 'box-1' } }]],
    [
      'baggage',
      {},
      { baggage: true },
      [{ sourceLabels: { branch: 'box-1' } }, { headers: { baggage: { regex: baggageRegex('branch', 'box-1') } } }],
    ],
    [
      'gateways: sourceLabels limited to mesh, header block for all',
      { gateways: ['istio-system/edge'] },
      { headers: { 'x-lane': { regex: 'box-1|b1' } } },
      [{ sourceLabels: { branch: 'box-1' }, gateways: ['mesh'] }, { headers: { 'x-lane': { regex: 'box-1|b1' } } }],
    ],
  ])('sandbox match: %s', (_name, extra, match, expected) => {
    const [box] = http({ ...extra, subsets: [{ branch: 'main' }, match ? { branch: 'box-1', match } : { branch: 'box-1' }] });
    expect(box?.match).toEqual(expected);
  });

  it.each<[string[] | undefined, string[] | undefined]>([
    [undefined, undefined],
    [['ns/b', 'ns/a', 'ns/b'], ['mesh', 'ns/a', 'ns/b']],
    [['mesh', 'ns/a'], ['mesh', 'ns/a']],
  ])('gateways %j → %j', (gateways, expected) => {
    const vs = renderRouter(makeRouter({ port: 80, ...(gateways ? { gateways } : {}), subsets: [{ branch: 'main' }] })).virtualService;
    expect(vs.spec.gateways).toEqual(expected);
    expect('gateways' in vs.spec).toBe(expected !== undefined);
  });
});

describe('baggageRegex', () => {
  const matches = (value: string): boolean => new RegExp(`^(?:${baggageRegex('branch', 'box-1')})$`).test(value);
  it.each([
    ['branch=box-1', true],
    ['userId=7,branch=box-1', true],
    ['userId=7, branch = box-1 ;ttl=3,other=x', true],
    ['branch=box-1-old', false],
    ['my-branch=box-1', false],
    ['branch=box-10', false],
    ['branch=box', false],
  ])('%s → %s', (value, expected) => {
    expect(matches(value)).toBe(expected);
  });
  it('escapes regex metacharacters in the key', () => {
    expect(baggageRegex('example.com/branch', 'b')).toContain('example\\.com/branch');
  });
});

describe('tcp routes', () => {
  it('renders sourceLabels sandbox routes then the weighted default, and no http routes', () => {
    const spec: RouterSpec = { port: 80, protocol: 'tcp', gateways: ['ns/gw'], subsets: [{ branch: 'main', versions: { a: 60, b: 40 } }, { branch: 'box-1' }] };
    const vs = renderRouter(makeRouter(spec)).virtualService;
    expect(vs.spec.http).toBeUndefined();
    expect(vs.spec.tcp).toEqual([
      { match: [{ sourceLabels: { branch: 'box-1' }, gateways: ['mesh'] }], route: [dest('box-1')] },
      { route: [dest('main-a', 60), dest('main-b', 40)] },
    ]);
  });
});
