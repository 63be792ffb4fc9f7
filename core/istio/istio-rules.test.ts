import { describe, expect, it } from 'vitest';
import { formatRuleProblem, istioRuleProblems, routingPairProblems } from './istio-rules.ts';
import { ISTIO_NETWORKING, type DestinationRule, type VirtualService } from './types.ts';

const HOST = 'reviews.shop.svc.cluster.local';
const meta = { name: 'reviews', namespace: 'shop' };
type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke any field

function virtualService(): VirtualService {
  return {
    apiVersion: ISTIO_NETWORKING,
    kind: 'VirtualService',
    metadata: meta,
    spec: {
      hosts: [HOST],
      gateways: ['mesh', 'istio-system/public'],
      http: [
        {
          name: 'box-1',
          match: [{ sourceLabels: { branch: 'box-1' }, gateways: ['mesh'] }, { headers: { 'x-branch': { regex: 'box-1(-.*)?' } } }],
          route: [{ destination: { host: HOST, subset: 'box-1', port: { number: 9080 } } }],
        },
        {
          name: 'master',
          route: [
            { destination: { host: HOST, subset: 'v1' }, weight: 90 },
            { destination: { host: HOST, subset: 'v2' }, weight: 10 },
          ],
          timeout: '2s',
          retries: { attempts: 3, perTryTimeout: '500ms', retryOn: '5xx,connect-failure,503' },
        },
      ],
    },
  };
}

function destinationRule(): DestinationRule {
  return {
    apiVersion: ISTIO_NETWORKING,
    kind: 'DestinationRule',
    metadata: meta,
    spec: {
      host: HOST,
      trafficPolicy: { connectionPool: { tcp: { connectTimeout: '250ms' } } },
      subsets: [
        { name: 'box-1', labels: { app: 'reviews', branch: 'box-1' } },
        { name: 'v1', labels: { app: 'reviews', version: 'v1.0.1' } },
        { name: 'v2', labels: { 'app.kubernetes.io/name': 'reviews', version: 'v1.0.2' } },
      ],
    },
  };
}

function vsProblems(change: (spec: Spec) => void): string[] {
  const vs = virtualService();
  change(vs.spec);
  return istioRuleProblems(vs).map(formatRuleProblem);
}

function drProblems(change: (spec: Spec) => void): string[] {
  const dr = destinationRule();
  change(dr.spec);
  return istioRuleProblems(dr).map(formatRuleProblem);
}

const RE2 = 'must be an RE2 regex (Envoy and istiod use RE2: no lookaround, no backreferences): error parsing regexp:';
const MIN_1MS = "must be a valid duration of at least 1ms (CRD rule: duration(self) >= duration('1ms'))";

/** [rule, change to the valid VirtualService, the exact problems]: passing cases expect []. */
const virtualServiceCases: [string, (spec: Spec) => void, string[]][] = [
  ['the valid VirtualService', () => {}, []],
  ['host "*" on the mesh', (s) => (s.hosts = ['*']), ['spec.hosts[0]: the wildcard host "*" is not allowed on a VirtualService bound to the mesh gateway (sidecars) (got "*")']],
  ['host "*" on gateways only', (s) => ((s.hosts = ['*']), (s.gateways = ['istio-system/public'])), []],
  ['gateway name', (s) => (s.gateways = ['mesh', 'istio-system/']), ['spec.gateways[1]: must be <namespace>/<name> with neither part empty (got "istio-system/")']],
  ['no route at all', (s) => ((s.http = []), (s.tcp = [])), ['spec.http: a VirtualService needs at least one http, tcp or tls route (got [])']],
  ['HTTP route without destinations', (s) => (s.http[1].route = []), ['spec.http[1].route: an HTTP route needs destinations (route), a redirect or a directResponse (got [])']],
  ['HTTP route with a redirect instead', (s) => ((s.http[1].route = undefined), (s.http[1].redirect = { uri: '/v2' })), []],
  ['match header name', (s) => (s.http[0].match[1].headers = { 'x branch': { exact: 'a' } }), ['spec.http[0].match[1].headers["x branch"]: must be an HTTP header name: letters, digits and !#$%&\'*+-.^_`|~ only (no space, no control character) (got "x branch")']],
  ['match regex', (s) => (s.http[0].match[1].headers['x-branch'] = { regex: 'box-1(?=-x)' }), [`spec.http[0].match[1].headers["x-branch"].regex: ${RE2} invalid or unsupported Perl syntax: \`(?=\` (got "box-1(?=-x)")`]],
  ['uri regex', (s) => (s.http[0].match[1].uri = { regex: '/(a)\\1' }), [`spec.http[0].match[1].uri.regex: ${RE2} invalid escape sequence: \`\\1\` (got "/(a)\\\\1")`]],
  ['empty header prefix', (s) => (s.http[0].match[1].headers['x-branch'] = { prefix: '' }), ['spec.http[0].match[1].headers["x-branch"].prefix: a prefix match must not be empty (got "")']],
  ['empty URI prefix', (s) => (s.http[0].match[1].uri = { prefix: '' }), []],
  ['withoutHeaders "*"', (s) => (s.http[0].match[1].withoutHeaders = { 'x-debug': { regex: '*' } }), []],
  ['JWT claim on the mesh', (s) => (s.http[0].match[1].headers = { '@request.auth.claims.group': { exact: 'a' } }), ['spec.http[0].match[1].headers["@request.auth.claims.group"]: JWT claim routing (@request.auth.claims…) works only on a VirtualService bound to gateways alone, not to the mesh (got "@request.auth.claims.group")']],
  ['source label value', (s) => (s.http[0].match[0].sourceLabels = { branch: 'box 1' }), ['spec.http[0].match[0].sourceLabels.branch: must be a label value: a label value must be letters, digits, "-", "_" or ".", alphanumeric at both ends (got "box 1")']],
  ['match gateway name', (s) => (s.http[0].match[0].gateways = ['a/b/c']), ['spec.http[0].match[0].gateways[0]: must be <namespace>/<name>: name "b/c" is not a DNS-1123 label (got "a/b/c")']],
  ['request header set', (s) => (s.http[1].headers = { request: { set: { ':path': '/x', 'x-a': 'ok' } } }), ['spec.http[1].headers.request.set[":path"]: must not be a pseudo-header (":" prefix) other than :authority (got ":path")']],
  ['header value', (s) => (s.http[1].route[0].headers = { response: { add: { 'x-a': 'a\r\nb' } } }), ['spec.http[1].route[0].headers.response.add["x-a"]: a header value must not contain control characters (tab aside) (got "a\\r\\nb")']],
  ['header remove', (s) => (s.http[1].headers = { response: { remove: ['Host'] } }), ['spec.http[1].headers.response.remove[0]: must not be Host (Envoy does not let a route change it here) (got "Host")']],
  ['destination host', (s) => (s.http[0].route[0].destination.host = '*'), ['spec.http[0].route[0].destination.host: a destination host must name a service, not "*" (got "*")']],
  ['destination subset', (s) => (s.http[0].route[0].destination.subset = 'v1.0'), ['spec.http[0].route[0].destination.subset: a subset name must be a DNS-1123 label (at most 63 letters, digits or "-", alphanumeric at both ends) (got "v1.0")']],
  ['destination port', (s) => (s.http[0].route[0].destination.port = { number: 70000 }), ['spec.http[0].route[0].destination.port.number: a port must be between 1 and 65535 (got 70000)']],
  ['negative weight', (s) => ((s.http[1].route[0].weight = -10), (s.http[1].route[1].weight = 110)), ['spec.http[1].route[0].weight: a weight must be at least 0 (got -10)']],
  ['all weights 0', (s) => ((s.http[1].route[0].weight = 0), (s.http[1].route[1].weight = 0)), ['spec.http[1].route: the weights of a route with several destinations must not all be 0 (istiod: total destination weight = 0) (got [0,0])']],
  ['one destination without weight', (s) => delete s.http[0].route[0].weight, []],
  ['mirror subset', (s) => (s.http[1].mirror = { host: HOST, subset: 'v3_rc' }), ['spec.http[1].mirror.subset: a subset name must be a DNS-1123 label (at most 63 letters, digits or "-", alphanumeric at both ends) (got "v3_rc")']],
  ['timeout below 1ms', (s) => (s.http[1].timeout = '0.0000001s'), [`spec.http[1].timeout: ${MIN_1MS} (got "0.0000001s")`]],
  ['perTryTimeout below ms precision', (s) => (s.http[1].retries.perTryTimeout = '1.5ms'), ['spec.http[1].retries.perTryTimeout: must be a whole number of milliseconds (Istio supports ms precision only) (got "1.5ms")']],
  ['fault delay of 0s', (s) => (s.http[1].fault = { delay: { fixedDelay: '0s', percentage: { value: 10 } } }), [`spec.http[1].fault.delay.fixedDelay: ${MIN_1MS} (got "0s")`]],
  ['CORS maxAge (CRD rule)', (s) => (s.http[1].corsPolicy = { maxAge: '100us' }), [`spec.http[1].corsPolicy.maxAge: ${MIN_1MS} (got "100us")`]],
  ['retries disabled but configured', (s) => (s.http[1].retries = { attempts: 0, perTryTimeout: '1s' }), ['spec.http[1].retries.attempts: retries with attempts 0 (retrying disabled) must not set perTryTimeout, retryOn or retryRemoteLocalities (got 0)']],
  ['retryOn policy', (s) => (s.http[1].retries.retryOn = '5xx, reset'), ['spec.http[1].retries.retryOn: " reset" is neither a retry policy Envoy knows (5xx, gateway-error, connect-failure, …) nor an HTTP status code (got "5xx, reset")']],
  ['CORS origin regex', (s) => (s.http[1].corsPolicy = { allowOrigins: [{ regex: '(' }] }), [`spec.http[1].corsPolicy.allowOrigins[0].regex: ${RE2} missing closing ): \`(\` (got "(")`]],
  ['TCP route without destinations', (s) => (s.tcp = [{ match: [{ port: 9080 }] }]), ['spec.tcp[0].route: a TCP route needs at least one destination (got undefined)']],
];

/** [rule, change to the valid DestinationRule, the exact problems]. */
const destinationRuleCases: [string, (spec: Spec) => void, string[]][] = [
  ['the valid DestinationRule', () => {}, []],
  ['host', (s) => (s.host = 'reviews.shop.*'), ['spec.host: must be a host name (a wildcard only as a leading "*"): label "*" is not a DNS-1123 label (at most 63 letters, digits or "-", alphanumeric at both ends) (got "reviews.shop.*")']],
  ['subset name too long', (s) => (s.subsets[0].name = `box-${'1'.repeat(60)}`), [`spec.subsets[0].name: a subset name must be a DNS-1123 label (at most 63 letters, digits or "-", alphanumeric at both ends, got 64) (got "box-${'1'.repeat(60)}")`]],
  ['duplicate subset names', (s) => (s.subsets[2].name = 'v1'), ['spec.subsets[2].name: subset names must be unique (duplicate "v1") (got "v1")']],
  ['subset label key', (s) => (s.subsets[1].labels = { 'My.Org/app': 'reviews' }), ['spec.subsets[1].labels["My.Org/app"]: must be a label key ([prefix/]name): prefix "My.Org" must be a lowercase DNS-1123 subdomain of at most 253 characters (got "My.Org/app")']],
  ['subset label value', (s) => (s.subsets[1].labels.version = `v${'1'.repeat(63)}`), [`spec.subsets[1].labels.version: must be a label value: a label value must be at most 63 characters (got 64) (got "v${'1'.repeat(63)}")`]],
  ['traffic policy duration (CRD rule)', (s) => (s.trafficPolicy.connectionPool.tcp.connectTimeout = '0.5ms'), [`spec.trafficPolicy.connectionPool.tcp.connectTimeout: ${MIN_1MS} (got "0.5ms")`]],
  ['subset traffic policy duration', (s) => (s.subsets[0].trafficPolicy = { outlierDetection: { interval: '0s' } }), [`spec.subsets[0].trafficPolicy.outlierDetection.interval: ${MIN_1MS} (got "0s")`]],
];

describe('istioRuleProblems', () => {
  it.each(virtualServiceCases)('VirtualService: %s', (_rule, change, expected) => {
    expect(vsProblems(change)).toEqual(expected);
  });

  it.each(destinationRuleCases)('DestinationRule: %s', (_rule, change, expected) => {
    expect(drProblems(change)).toEqual(expected);
  });

  it('reads any shape jsonPatch can leave without throwing', () => {
    expect(vsProblems((s) => ((s.http = [null, 'x', { route: 'x', match: 'y', headers: 3 }]), (s.hosts = [7])))).toEqual([
      'spec.http[2].route: an HTTP route needs destinations (route), a redirect or a directResponse (got "x")',
    ]);
  });
});

describe('routingPairProblems', () => {
  it('accepts the Router pair, short or long host names alike', () => {
    const dr = destinationRule();
    dr.spec.host = 'reviews';
    expect(routingPairProblems(virtualService(), dr)).toEqual([]);
  });

  it('refuses a DestinationRule moved off the Router host', () => {
    const dr = destinationRule();
    dr.spec.host = 'ratings.shop.svc.cluster.local';
    const found = routingPairProblems(virtualService(), dr).map((p) => `${p.object.kind} ${formatRuleProblem(p.problem)}`);
    expect(found).toEqual([
      `DestinationRule spec.host: must stay the Router's host ${HOST} (got "ratings.shop.svc.cluster.local")`,
    ]);
  });
});
