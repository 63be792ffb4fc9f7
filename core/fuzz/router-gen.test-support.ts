/**
 * Random Router documents for the fuzz tests (test support), shaped after `api/router.ts`: mostly
 * valid (weights summing to 100, unique branches, one default), with an edge drawn now and then
 * (a regex RE2 refuses, a colliding version, a label key the selector also sets, a bad host …).
 * The output is plain data as a YAML file or the API server would hold it, not yet parsed.
 */
import { API_VERSION } from '../../api/meta.ts';
import { chance, defined, int, maybe, pick, someOf, weightsSumming100, type Rng } from './prng.test-support.ts';
import { BRANCHES, DURATIONS, GATEWAYS, HEADER_NAMES, HOSTS, LABEL_KEYS, LABEL_VALUES, NAMESPACES, PORTS, REGEXES, ROUTER_NAMES, VERSIONS } from './values.test-support.ts';

export type Doc = Record<string, unknown>;

/** How often a generator picks an edge value instead of an ordinary one. */
export const EDGE = 0.06;

/** One of `ordinary`, or with probability EDGE one of `edges`. */
export function usually<T>(rng: Rng, ordinary: readonly T[], edges: readonly T[]): T {
  return chance(rng, EDGE) && edges.length > 0 ? pick(rng, edges) : pick(rng, ordinary);
}

export function randomStringMatch(rng: Rng): Doc {
  const kind = pick(rng, ['exact', 'exact', 'prefix', 'regex'] as const);
  if (kind === 'regex') return { regex: usually(rng, REGEXES.slice(0, 3), REGEXES.slice(3)) };
  if (kind === 'prefix') return { prefix: usually(rng, ['box', '/api'], ['']) };
  // Two kinds at once, which the schema refuses.
  return chance(rng, EDGE) ? { exact: 'a', prefix: 'b' } : { exact: pick(rng, ['box-1', 'on', '']) };
}

function randomVersions(rng: Rng): Record<string, number> | undefined {
  if (chance(rng, 0.25)) return undefined;
  const names = someOf(rng, VERSIONS.slice(0, 5), 0.5);
  if (chance(rng, EDGE)) names.push(pick(rng, VERSIONS.slice(5)));
  if (names.length === 0) return chance(rng, 0.2) ? {} : undefined;
  const weights = weightsSumming100(rng, [...new Set(names)]);
  if (chance(rng, EDGE)) weights[Object.keys(weights)[0] as string] = 101; // not summing to 100
  return weights;
}

function randomBranchMatch(rng: Rng): Doc | undefined {
  if (!chance(rng, 0.4)) return undefined;
  const headers = Object.fromEntries(
    Array.from({ length: int(rng, 3) }, () => [usually(rng, HEADER_NAMES.slice(0, 4), HEADER_NAMES.slice(4)), randomStringMatch(rng)]),
  );
  return defined({ headers: chance(rng, 0.8) ? headers : undefined, baggage: maybe(rng, 0.5, () => chance(rng, 0.7)) });
}

function randomSubsets(rng: Rng, protocol: string | undefined): Doc[] {
  const names: string[] = someOf(rng, BRANCHES, 0.35);
  if (names.length === 0) names.push(pick(rng, BRANCHES));
  if (chance(rng, EDGE)) names.push(names[0] as string); // duplicate branch
  const marked = chance(rng, 0.5) ? int(rng, names.length) : -1;
  return names.map((branch, i) =>
    defined({
      branch,
      default: i === marked ? true : chance(rng, EDGE) ? true : undefined,
      versions: randomVersions(rng),
      match: i === marked || protocol === 'tcp' ? (chance(rng, EDGE) ? { baggage: true } : undefined) : randomBranchMatch(rng),
    }),
  );
}

/** A DestinationRule traffic policy as users write it, sometimes with a field Istio's schema lacks or a duration below 1ms. */
export function randomTrafficPolicy(rng: Rng): Doc {
  const pieces: Doc = {};
  if (chance(rng, 0.5)) pieces.loadBalancer = chance(rng, EDGE) ? { simple: 'FASTEST' } : { simple: pick(rng, ['ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM']) };
  if (chance(rng, 0.4)) {
    pieces.connectionPool = { tcp: defined({ maxConnections: pick(rng, [1, 100, -1, 2 ** 31]), connectTimeout: maybe(rng, 0.5, () => usually(rng, DURATIONS.slice(0, 6), DURATIONS.slice(6))) }) };
  }
  if (chance(rng, 0.3)) pieces.outlierDetection = { consecutive5xxErrors: pick(rng, [5, 0]), interval: usually(rng, ['10s', '1m'], DURATIONS.slice(6)), baseEjectionTime: '30s' };
  if (chance(rng, 0.2)) pieces.tls = { mode: usually(rng, ['ISTIO_MUTUAL', 'DISABLE'], ['BOGUS']) };
  if (chance(rng, EDGE)) pieces.unknownPolicy = { on: true };
  return pieces;
}

/** A Router document in `namespace` (mostly valid; see the file comment). */
export function randomRouterDoc(rng: Rng, identity: { name?: string; namespace?: string } = {}): Doc {
  const protocol = pick(rng, [undefined, 'http', 'http', 'http2', 'grpc', 'tcp']);
  const spec = defined({
    port: usually(rng, PORTS.slice(0, 2), PORTS.slice(2)),
    protocol,
    targetPort: maybe(rng, 0.1, () => pick(rng, [8080, 0])),
    host: maybe(rng, 0.15, () => usually(rng, HOSTS.slice(0, 1), HOSTS.slice(1))),
    gateways: maybe(rng, 0.2, () => [usually(rng, GATEWAYS.slice(0, 2), GATEWAYS.slice(2))]),
    labelKeys: maybe(rng, 0.15, () => defined({ branch: maybe(rng, 0.4, () => usually(rng, ['lane'], LABEL_KEYS)), version: maybe(rng, 0.6, () => usually(rng, ['rev', 'branch'], LABEL_KEYS)) })),
    selector: maybe(rng, 0.2, () => ({ [usually(rng, LABEL_KEYS.slice(0, 4), [...LABEL_KEYS.slice(4), 'branch', 'version'])]: usually(rng, LABEL_VALUES.slice(0, 3), LABEL_VALUES.slice(3)) })),
    subsets: randomSubsets(rng, protocol),
    trafficPolicy: maybe(rng, 0.3, () => randomTrafficPolicy(rng)),
    propagation: maybe(rng, 0.1, () => defined({ mode: pick(rng, ['settle', 'verified']), settleDelay: maybe(rng, 0.5, () => pick(rng, DURATIONS)) })),
    ownService: maybe(rng, 0.2, () => chance(rng, 0.5)),
    adopt: maybe(rng, 0.1, () => true),
  });
  const namespace = identity.namespace ?? pick(rng, NAMESPACES);
  return { apiVersion: API_VERSION, kind: 'Router', metadata: { name: identity.name ?? pick(rng, ROUTER_NAMES), namespace }, spec };
}
