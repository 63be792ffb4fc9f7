import { describe, expect, it } from 'vitest';
import type { RouterSpec } from '../../api/router.ts';
import { filter, NOW } from '../filters/layer-fixtures.ts';
import { RenderError } from './render-error.ts';
import { renderRouter } from './render-router.ts';
import { makeRouter } from './router-fixtures.ts';
import { routerRouting, type CachedObject } from './router-routing.ts';

const RE2 = 'must be an RE2 regex (Envoy and istiod use RE2: no lookaround, no backreferences): error parsing regexp:';
const MIN_1MS = "must be a valid duration of at least 1ms (CRD rule: duration(self) >= duration('1ms'))";
const LONG_VERSION = `v${'1'.repeat(62)}`;

function spec(overrides: Partial<RouterSpec>, sandboxMatch?: NonNullable<RouterSpec['subsets'][number]['match']>): RouterSpec {
  return {
    port: 9080,
    subsets: [{ branch: 'master', versions: { v1: 90, v2: 10 } }, { branch: 'box-1', ...(sandboxMatch ? { match: sandboxMatch } : {}) }],
    ...overrides,
  };
}

function renderFailure(routerSpec: RouterSpec): { field: string; message: string } | undefined {
  try {
    renderRouter(makeRouter(routerSpec));
    return undefined;
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    return { field: err.field, message: err.message };
  }
}

/** [rule, Router spec, the RenderError's field and message, or undefined when it renders]. */
const cases: [string, RouterSpec, { field: string; message: string } | undefined][] = [
  ['a header regex RE2 compiles', spec({}, { headers: { 'x-branch': { regex: 'box-1(-.*)?' } } }), undefined],
  [
    'a header regex with a lookahead',
    spec({}, { headers: { 'x-branch': { regex: 'box-1(?=-canary)' } } }),
    { field: 'spec.subsets[1].match.headers.x-branch.regex', message: `spec.subsets[1].match.headers.x-branch.regex: ${RE2} invalid or unsupported Perl syntax: \`(?=\` (got "box-1(?=-canary)")` },
  ],
  [
    'a header name with a space',
    spec({}, { headers: { 'x branch': { exact: 'box-1' } } }),
    { field: 'spec.subsets[1].match.headers.x branch', message: 'spec.subsets[1].match.headers.x branch: must be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~ only (no space, no control character) (got "x branch")' },
  ],
  [
    'an empty header prefix',
    spec({}, { headers: { 'x-branch': { prefix: '' } } }),
    { field: 'spec.subsets[1].match.headers.x-branch.prefix', message: 'spec.subsets[1].match.headers.x-branch.prefix: a prefix match must not be empty (got "")' },
  ],
  [
    'a version that makes the subset name too long',
    spec({ subsets: [{ branch: 'master', versions: { [LONG_VERSION]: 100 } }] }),
    {
      field: `spec.subsets[0].versions.${LONG_VERSION}`,
      message: `spec.subsets[0].versions.${LONG_VERSION}: renders the subset name "master-${LONG_VERSION}", but a subset name must be a DNS-1123 label (at most 63 letters, digits or "-", alphanumeric at both ends, got 70) (got "${LONG_VERSION}")`,
    },
  ],
  [
    'a selector label value',
    spec({ selector: { app: 'my app' } }),
    { field: 'spec.selector.app', message: 'spec.selector.app: must be a label value: a label value must be letters, digits, "-", "_" or ".", alphanumeric at both ends (got "my app")' },
  ],
  [
    'a branch label key',
    spec({ labelKeys: { branch: 'Example.com/branch' } }),
    { field: 'spec.labelKeys.branch', message: 'spec.labelKeys.branch: must be a label key ([prefix/]name): prefix "Example.com" must be a lowercase DNS-1123 subdomain of at most 253 characters (got "Example.com/branch")' },
  ],
  ['a short host', spec({ host: 'reviews' }), undefined],
  ['the wildcard host', spec({ host: '*' }), { field: 'spec.host', message: 'spec.host: a destination host must name a service, not "*" (got "*")' }],
  [
    'a host with an underscore',
    spec({ host: 'my_service.shop.svc.cluster.local' }),
    { field: 'spec.host', message: 'spec.host: must be a host name (a wildcard only as a leading "*"): label "my_service" is not a DNS-1123 label or a leading wildcard (got "my_service.shop.svc.cluster.local")' },
  ],
  ['a gateway', spec({ gateways: ['istio-system/public'] }), undefined],
  ['a gateway without a name', spec({ gateways: ['istio-system/'] }), { field: 'spec.gateways[0]', message: 'spec.gateways[0]: must be <namespace>/<name> with neither part empty (got "istio-system/")' }],
  [
    'a traffic policy duration below 1ms',
    spec({ trafficPolicy: { connectionPool: { tcp: { connectTimeout: '0.5ms' } } } }),
    { field: 'spec.trafficPolicy.connectionPool.tcp.connectTimeout', message: `spec.trafficPolicy.connectionPool.tcp.connectTimeout: ${MIN_1MS} (got "0.5ms")` },
  ],
  [
    'a traffic policy field the schema lacks',
    spec({ trafficPolicy: { conectionPool: {} } }),
    { field: 'spec.trafficPolicy.conectionPool', message: 'spec.trafficPolicy.conectionPool: unknown field (the API server would prune it) (got {})' },
  ],
];

describe("renderRouter refuses a Router whose own spec breaks Istio's rules", () => {
  it.each(cases)('%s', (_rule, routerSpec, expected) => {
    expect(renderFailure(routerSpec)).toEqual(expected);
  });

  it('cuts a long value in the message', () => {
    const failure = renderFailure(spec({}, { headers: { 'x-branch': { regex: `(?=${'a'.repeat(200)})` } } }));
    expect(failure?.message).toMatch(/ \(got "\(\?=a{75}…\)$/);
  });

  it("fails the Router alone: its filters are not layered, so none is reported Skipped for the Router's error", () => {
    const router = makeRouter(spec({}, { headers: { 'x-branch': { regex: '(a)\\1' } } }), { namespace: 'shop', name: 'reviews' });
    const cached = [filter('sane', [{ timeout: '3s' }])] as CachedObject[];
    expect(() => routerRouting(router, cached, NOW)).toThrow(RenderError);
  });
});
