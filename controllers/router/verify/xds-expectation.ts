import type { PlanStep } from '../../../core/plan/make-before-break.ts';
import type { DestinationRule, VirtualService } from '../../../core/istio/types.ts';
import { referencedSubsets } from '../../../core/plan/referenced-subsets.ts';

/**
 * What a proxy's config must show before the next make-before-break step may run, derived from
 * the step just applied:
 * - union DestinationRule → every subset's cluster `outbound|<port>|<subset>|<host>` exists (the
 *   VirtualService step will route to them);
 * - VirtualService → every route generated from this VirtualService routes exactly as declared
 *   (same clusters and weights, same mirrors), so none still uses a subset the prune removes;
 * - pruned DestinationRule → the host's subset clusters are exactly the remaining subsets.
 */
export type XdsExpectation =
  | { kind: 'clusters'; host: string; port: number; subsets: string[]; exact: boolean }
  | { kind: 'routes'; host: string; port: number; vsPath: string; signatures: string[] };

/** The xDS type URLs istiod's /debug/syncz reports per proxy: CDS carries clusters, RDS routes. */
export const XDS_TYPE_URL = {
  clusters: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  routes: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
} as const;

/** The suffix of the `istio.config` route metadata istiod puts on routes from a VirtualService. */
export function virtualServicePath(namespace: string, name: string): string {
  return `/namespaces/${namespace}/virtual-service/${name}`;
}

/** The Envoy cluster istiod generates for a host, port and subset (empty for the whole service). */
export function clusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}

/**
 * What must already hold on the proxies before `step` may be applied: the clusters of every subset
 * the VirtualService step routes to; for the prune step, the live VirtualService's routes (none may
 * still use a subset being removed). The union step has no precondition.
 */
export function preconditionFor(step: PlanStep, liveVs: VirtualService | undefined, host: string, port: number): XdsExpectation | undefined {
  if (step.action === 'apply-virtual-service') {
    const subsets = referencedSubsets(step.object as VirtualService, host);
    return { kind: 'clusters', host, port, subsets, exact: false };
  }
  if (step.action === 'apply-pruned-destination-rule' && liveVs) {
    return { kind: 'routes', host, port, vsPath: virtualServicePath(step.namespace, liveVs.metadata.name), signatures: desiredSignatures(liveVs, host, port) };
  }
  return undefined;
}

/** True when having confirmed `done` implies `wanted` holds too (same host and port). */
export function covers(done: XdsExpectation, wanted: XdsExpectation): boolean {
  if (done.host !== wanted.host || done.port !== wanted.port) return false;
  if (done.kind === 'clusters' && wanted.kind === 'clusters') return !wanted.exact && wanted.subsets.every((s) => done.subsets.includes(s));
  if (done.kind === 'routes' && wanted.kind === 'routes') return done.vsPath === wanted.vsPath && done.signatures.join('\n') === wanted.signatures.join('\n');
  return false;
}

/** The expectation of one applied step, or undefined for steps no proxy needs to see first. */
export function expectationFor(step: PlanStep, host: string, port: number): XdsExpectation | undefined {
  if (step.kind === 'DestinationRule') {
    const dr = step.object as DestinationRule;
    const subsets = (dr.spec.subsets ?? []).map((s) => s.name);
    return { kind: 'clusters', host, port, subsets, exact: step.action === 'apply-pruned-destination-rule' };
  }
  const vs = step.object as VirtualService;
  return { kind: 'routes', host, port, vsPath: virtualServicePath(step.namespace, step.name), signatures: desiredSignatures(vs, host, port) };
}

interface RouteDestination {
  destination?: { host?: string; subset?: string; port?: { number?: number } };
  weight?: number;
}

interface HttpRouteShape {
  route?: RouteDestination[];
  mirror?: { host?: string; subset?: string; port?: { number?: number } };
  mirrors?: { destination?: { host?: string; subset?: string; port?: { number?: number } } }[];
}

/** One route's routing as a canonical string: weighted clusters (sorted) then mirrored clusters. */
function signature(weighted: [string, number][], mirrors: string[]): string {
  const kept = weighted.filter(([, w]) => w > 0);
  const normalised = kept.length === 1 ? [[kept[0]?.[0] ?? '', 100] as [string, number]] : kept;
  const routes = normalised.map(([c, w]) => `${c}=${w}`).sort();
  return `${routes.join(',')}${mirrors.length > 0 ? ` mirror ${[...mirrors].sort().join(',')}` : ''}`;
}

function destinationCluster(d: { host?: string; subset?: string; port?: { number?: number } } | undefined, host: string, port: number): string {
  return clusterName(d?.port?.number ?? port, d?.subset ?? '', d?.host ?? host);
}

/** Signatures of the HTTP routes a VirtualService declares (TCP routes are not checked). */
export function desiredSignatures(vs: VirtualService, host: string, port: number): string[] {
  const http = (vs.spec as { http?: HttpRouteShape[] }).http ?? [];
  const out = new Set<string>();
  for (const r of http) {
    const weighted = (r.route ?? []).map((d): [string, number] => [destinationCluster(d.destination, host, port), d.weight ?? ((r.route ?? []).length === 1 ? 100 : 0)]);
    const mirrors = [...(r.mirror ? [destinationCluster(r.mirror, host, port)] : []), ...(r.mirrors ?? []).map((m) => destinationCluster(m.destination, host, port))];
    out.add(signature(weighted, mirrors));
  }
  return [...out].sort();
}

/**
 * The parts of a config dump this check reads: istiod's `/debug/config_dump?types=cds,rds` answer
 * (protojson, camelCase) or a route config from Envoy's own admin `/config_dump` (snake_case).
 */
export interface IstiodDump {
  configs?: DumpResource[];
}

type Loose = Record<string, unknown>;

interface DumpResource {
  '@type'?: string;
  name?: string;
  virtualHosts?: Loose[];
  virtual_hosts?: Loose[];
}

/** A field by its protojson (camelCase) or its proto (snake_case) name. */
function field(obj: unknown, camel: string, snake: string): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const o = obj as Loose;
  return o[camel] ?? o[snake];
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Signatures of the routes, in route configs of either spelling, generated from the VirtualService at `vsPath`. */
export function routeSignatures(routeConfigs: readonly unknown[], vsPath: string): string[] {
  const out = new Set<string>();
  for (const rc of routeConfigs) {
    for (const vh of list(field(rc, 'virtualHosts', 'virtual_hosts'))) {
      for (const r of list(field(vh, 'routes', 'routes'))) {
        const istio = field(field(field(r, 'metadata', 'metadata'), 'filterMetadata', 'filter_metadata'), 'istio', 'istio');
        const config = field(istio, 'config', 'config');
        if (typeof config !== 'string' || !config.endsWith(vsPath)) continue;
        const action = field(r, 'route', 'route');
        const single = field(action, 'cluster', 'cluster');
        const weighted: [string, number][] = typeof single === 'string'
          ? [[single, 100]]
          : list(field(field(action, 'weightedClusters', 'weighted_clusters'), 'clusters', 'clusters')).map((c): [string, number] => [
              String(field(c, 'name', 'name') ?? ''),
              Number(field(c, 'weight', 'weight') ?? 0),
            ]);
        const mirrors = list(field(action, 'requestMirrorPolicies', 'request_mirror_policies')).map((m) => String(field(m, 'cluster', 'cluster') ?? ''));
        out.add(signature(weighted, mirrors));
      }
    }
  }
  return [...out].sort();
}

/** Signatures of the routes in istiod's dump that it generated from the VirtualService at `vsPath`. */
export function proxySignatures(dump: IstiodDump, vsPath: string): string[] {
  return routeSignatures((dump.configs ?? []).filter((c) => c['@type'] === XDS_TYPE_URL.routes), vsPath);
}

/** True when the proxy this dump was generated for routes to the host at all (has its service cluster). */
export function routesToHost(dump: IstiodDump, host: string, port: number): boolean {
  const wanted = clusterName(port, '', host);
  return (dump.configs ?? []).some((c) => c['@type'] === XDS_TYPE_URL.clusters && c.name === wanted);
}

/** Clusters of the dump for this host and port that carry a subset. */
function subsetClusters(dump: IstiodDump, host: string, port: number): Set<string> {
  const prefix = `outbound|${port}|`;
  const suffix = `|${host}`;
  const names = (dump.configs ?? []).filter((c) => c['@type'] === XDS_TYPE_URL.clusters).map((c) => c.name ?? '');
  return new Set(names.filter((n) => n.startsWith(prefix) && n.endsWith(suffix) && n !== clusterName(port, '', host)));
}

/**
 * Whether the config istiod generated for one proxy shows the expectation; a reason when not.
 * Routes: every route of this VirtualService on the proxy routes as declared (a gateway that does
 * not serve the VirtualService has none, which is fine).
 */
export function unmetReason(dump: IstiodDump, e: XdsExpectation): string | undefined {
  if (e.kind === 'clusters') {
    const have = subsetClusters(dump, e.host, e.port);
    const want = e.subsets.map((s) => clusterName(e.port, s, e.host));
    const missing = want.filter((c) => !have.has(c));
    if (missing.length > 0) return `missing cluster ${missing.join(', ')}`;
    const extra = e.exact ? [...have].filter((c) => !want.includes(c)) : [];
    return extra.length > 0 ? `still has cluster ${extra.join(', ')}` : undefined;
  }
  const wanted = new Set(e.signatures);
  const stale = proxySignatures(dump, e.vsPath).filter((s) => !wanted.has(s));
  return stale.length > 0 ? `still routes ${stale.join('; ')}` : undefined;
}
