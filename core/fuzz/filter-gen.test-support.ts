/**
 * Random IstioFilter documents for the fuzz tests (test support), shaped after
 * `api/istio-filter.ts`: typed patches of every kind (fault, mirror, retries, timeout incl. tiny
 * durations, headers, corsPolicy, trafficPolicy) and raw JSON Patch ops (replace /host, remove
 * /http, test ops, bogus paths …), mostly aimed at the Router they are drawn for.
 */
import { API_VERSION } from '../../api/meta.ts';
import { chance, defined, int, maybe, pick, someOf, type Rng } from './prng.test-support.ts';
import { EDGE, randomStringMatch, randomTrafficPolicy, usually, type Doc } from './router-gen.test-support.ts';
import { DURATIONS, GRPC_STATUSES, HEADER_NAMES, HEADER_VALUES, HOSTS, HTTP_METHODS, LABEL_KEYS, LABEL_VALUES, PERCENTAGES, RETRY_ON } from './values.test-support.ts';

/** What a filter generator knows of the Router it aims at. */
export interface FilterAim {
  name: string;
  namespace: string;
  host: string;
  /** Route names the Router renders (its branches). */
  routes: string[];
}

const duration = (rng: Rng): string => usually(rng, DURATIONS.slice(0, 6), DURATIONS.slice(6));
const percentage = (rng: Rng): number => usually(rng, PERCENTAGES.slice(2, 6), [...PERCENTAGES.slice(0, 2), ...PERCENTAGES.slice(6)]);
const headerName = (rng: Rng): string => usually(rng, ['x-a', 'x-debug', 'X-Trace'], HEADER_NAMES.slice(3));
const headerMap = (rng: Rng): Record<string, string> =>
  Object.fromEntries(Array.from({ length: 1 + int(rng, 2) }, () => [headerName(rng), usually(rng, HEADER_VALUES.slice(0, 3), HEADER_VALUES.slice(3))]));

function fault(rng: Rng): Doc {
  const abort = defined({
    ...(chance(rng, 0.8) ? { httpStatus: usually(rng, [503, 500, 429], [199, 600]) } : { grpcStatus: usually(rng, GRPC_STATUSES.slice(0, 2), GRPC_STATUSES.slice(2)) }),
    percentage: percentage(rng),
  });
  const delay = { fixedDelay: duration(rng), percentage: percentage(rng) };
  const which = pick(rng, ['delay', 'abort', 'both', 'both'] as const);
  if (chance(rng, EDGE)) return {};
  return defined({ delay: which !== 'abort' ? delay : undefined, abort: which !== 'delay' ? abort : undefined });
}

function mirror(rng: Rng, aim: FilterAim): Doc {
  return defined({
    host: maybe(rng, 0.3, () => usually(rng, [aim.host, 'shadow.shop.svc.cluster.local'], HOSTS)),
    subset: maybe(rng, 0.7, () => usually(rng, ['shadow', 'canary-mirror', aim.routes[0] ?? 'master'], ['Bad_Subset', 'x'.repeat(64)])),
    labels: maybe(rng, 0.5, () => ({ [usually(rng, ['app', 'track'], LABEL_KEYS)]: usually(rng, ['shadow'], LABEL_VALUES) })),
    port: maybe(rng, 0.2, () => pick(rng, [9090, 80])),
    percentage: percentage(rng),
  });
}

function cors(rng: Rng): Doc {
  return defined({
    allowOrigins: maybe(rng, 0.6, () => [randomStringMatch(rng)]),
    allowMethods: maybe(rng, 0.5, () => someOf(rng, HTTP_METHODS, 0.4)),
    allowHeaders: maybe(rng, 0.3, () => [headerName(rng)]),
    exposeHeaders: maybe(rng, 0.2, () => [headerName(rng)]),
    maxAge: maybe(rng, 0.4, () => usually(rng, ['24h', '60s'], [...DURATIONS.slice(6), '1500ms'])),
    allowCredentials: maybe(rng, 0.3, () => chance(rng, 0.5)),
  });
}

/** JSON Patch ops on the VirtualService or DestinationRule spec, from ordinary to hostile. */
function jsonPatch(rng: Rng, aim: FilterAim): Doc {
  const vsOps: Doc[] = [
    { op: 'add', path: '/http/0/timeout', value: duration(rng) },
    { op: 'replace', path: '/http/0/route/0/weight', value: pick(rng, [0, 50, 100, -5, 1e10, 'ten']) },
    { op: 'remove', path: '/http' },
    { op: 'remove', path: '/http/0' },
    { op: 'test', path: '/hosts/0', value: chance(rng, 0.5) ? aim.host : 'other' },
    { op: 'replace', path: '/hosts/0', value: pick(rng, HOSTS) },
    { op: 'add', path: '/http/0/route/0/destination/subset', value: pick(rng, ['missing-subset', aim.routes[0] ?? 'master']) },
    { op: 'add', path: '/http/-', value: { name: 'extra', route: [{ destination: { host: aim.host } }] } },
    { op: 'add', path: '/http/0/mirrorPercentage', value: { value: pick(rng, PERCENTAGES) } },
    { op: 'add', path: '/http/0/retries', value: { attempts: pick(rng, [3, 0, -1]), perTryTimeout: duration(rng) } },
    { op: 'add', path: '/http/0/fault', value: pick(rng, [{}, { abort: { httpStatus: 503, percentage: { value: 1 } } }]) },
    { op: 'add', path: '/http/0/match', value: [{ uri: randomStringMatch(rng) }] },
    { op: 'move', from: '/http/0', path: '/http/1' },
    { op: 'copy', from: '/http/0', path: '/http/-' },
    { op: 'add', path: '/tcp', value: [{ route: [{ destination: { host: aim.host } }] }] },
    { op: 'add', path: '/nope/0/x', value: 1 },
    { op: 'add', path: '', value: chance(rng, 0.5) ? 'not an object' : { hosts: [aim.host] } },
    { op: 'replace', path: '/', value: 1 },
    { op: 'add', path: '/http/0/unknownField', value: true },
    { op: 'remove', path: '/http/0/route/0/destination/host' },
    { op: 'add', path: pick(rng, ['/__proto__/polluted', '/constructor/prototype/polluted', '/http/0/__proto__/polluted']), value: true },
  ];
  const drOps: Doc[] = [
    { op: 'replace', path: '/host', value: pick(rng, HOSTS) },
    { op: 'add', path: '/subsets/-', value: { name: pick(rng, ['extra', 'shadow', 'Bad']), labels: { app: 'x' } } },
    { op: 'remove', path: '/subsets/0' },
    { op: 'remove', path: '/subsets' },
    { op: 'add', path: '/trafficPolicy', value: randomTrafficPolicy(rng) },
    { op: 'test', path: '/subsets/0/name', value: aim.routes[0] ?? 'master' },
    { op: 'add', path: '/subsets/0/labels/extra', value: pick(rng, LABEL_VALUES) },
    { op: 'add', path: '/workloadSelector', value: { matchLabels: { [pick(rng, ['app', 'a*', ''])]: 'x' } } },
    { op: 'remove', path: '/missing' },
  ];
  const target = chance(rng, 0.6) ? 'VirtualService' : 'DestinationRule';
  const pool = target === 'VirtualService' ? vsOps : drOps;
  return { target, ops: Array.from({ length: 1 + int(rng, 3) }, () => pick(rng, pool)) };
}

/** One patch of a random kind (exactly one kind set, except now and then). */
export function randomPatch(rng: Rng, aim: FilterAim): Doc {
  const kind = pick(rng, ['fault', 'mirror', 'retries', 'timeout', 'headers', 'corsPolicy', 'trafficPolicy', 'jsonPatch', 'jsonPatch'] as const);
  const patch: Doc = {};
  if (kind === 'fault') patch.fault = fault(rng);
  if (kind === 'mirror') patch.mirror = mirror(rng, aim);
  if (kind === 'retries') patch.retries = defined({ attempts: usually(rng, [1, 3, 0], [-1, 101]), perTryTimeout: maybe(rng, 0.5, () => duration(rng)), retryOn: maybe(rng, 0.5, () => pick(rng, RETRY_ON)) });
  if (kind === 'timeout') patch.timeout = duration(rng);
  if (kind === 'headers') patch.headers = defined({ request: maybe(rng, 0.7, () => defined({ set: maybe(rng, 0.6, () => headerMap(rng)), add: maybe(rng, 0.3, () => headerMap(rng)), remove: maybe(rng, 0.3, () => [headerName(rng)]) })), response: maybe(rng, 0.4, () => ({ set: headerMap(rng) })) });
  if (kind === 'corsPolicy') patch.corsPolicy = cors(rng);
  if (kind === 'trafficPolicy') patch.trafficPolicy = randomTrafficPolicy(rng);
  if (kind === 'jsonPatch') patch.jsonPatch = jsonPatch(rng, aim);
  if (chance(rng, EDGE)) patch.timeout = '1s'; // two kinds in one patch
  return patch;
}

/** An IstioFilter aimed (mostly) at `aim`, named `name`. */
export function randomFilterDoc(rng: Rng, aim: FilterAim, name: string): Doc {
  const target = usually<Doc>(rng, [{ router: aim.name }, { router: aim.name }, { host: aim.host }], [{ router: 'other' }, { router: aim.name, host: aim.host }, {}]);
  const spec = defined({
    target,
    priority: maybe(rng, 0.5, () => usually(rng, [-10, 0, 5, 100], [-1001, 1001, 1.5])),
    scope: maybe(rng, 0.25, () => defined({ routes: maybe(rng, 0.5, () => someOf(rng, [...aim.routes, 'no-such-route'], 0.5)), branches: maybe(rng, 0.5, () => someOf(rng, aim.routes, 0.5)) })),
    expiresAt: maybe(rng, 0.15, () => usually(rng, ['2029-01-01T00:00:00Z', '2031-06-01T00:00:00+02:00'], ['yesterday', '2030-01-01T12:00:00Z'])),
    patches: Array.from({ length: 1 + int(rng, 3) }, () => randomPatch(rng, aim)),
  });
  const metadata = defined({
    name,
    namespace: chance(rng, 0.95) ? aim.namespace : 'elsewhere',
    creationTimestamp: maybe(rng, 0.5, () => usually(rng, ['2029-05-01T10:00:00Z', '2029-05-01T10:00:01Z'], ['not a time'])),
  });
  return { apiVersion: API_VERSION, kind: 'IstioFilter', metadata, spec };
}
