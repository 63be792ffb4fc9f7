import { DEFAULT_NAMESPACE } from '../../api/meta.ts';
import type { DestinationRule, VirtualService } from '../istio/types.ts';

/** Kubernetes' default cluster domain, which Istio appends to a short host name. */
const CLUSTER_DOMAIN = 'svc.cluster.local';

/** A VirtualService someone else wrote that still sends traffic to subsets a prune would remove. */
export interface PruneHold {
  /** `namespace/name` of the VirtualService. */
  virtualService: string;
  /** The subsets about to be removed that it routes or mirrors to, sorted. */
  subsets: string[];
}

/** A VirtualService as read from the API server: its namespace resolves short destination hosts. */
export interface ListedVirtualService {
  metadata: { name: string; namespace?: string };
  spec: VirtualService['spec'];
}

/** The subsets of `live` that `desired` drops: what the prune step would remove. */
export function removedSubsets(live: DestinationRule | null | undefined, desired: DestinationRule): string[] {
  const kept = new Set((desired.spec.subsets ?? []).map((s) => s.name));
  return (live?.spec.subsets ?? []).map((s) => s.name).filter((name) => !kept.has(name));
}

/**
 * The VirtualServices among `virtualServices` (the caller passes only those Switchyard does not
 * own) that route or mirror to one of `removed` subsets of `host`, in input order. A prune must
 * wait for them: once the subset is gone from the DestinationRule, their proxies answer 503 NR.
 *
 * Destination hosts resolve as Istio resolves them: a name without a dot is a service in the
 * VirtualService's own namespace (`reviews` in `shop` → `reviews.shop.svc.cluster.local`); any
 * other name is taken as written. Pure.
 */
export function pruneHolds(virtualServices: readonly ListedVirtualService[], host: string, removed: readonly string[]): PruneHold[] {
  if (removed.length === 0) return [];
  const wanted = new Set(removed);
  const holds: PruneHold[] = [];
  for (const vs of virtualServices) {
    const namespace = vs.metadata.namespace ?? DEFAULT_NAMESPACE;
    const used = new Set<string>();
    for (const d of destinations(vs.spec)) {
      if (typeof d.host !== 'string' || typeof d.subset !== 'string' || !wanted.has(d.subset)) continue;
      if (resolveHost(d.host, namespace) === host) used.add(d.subset);
    }
    if (used.size > 0) holds.push({ virtualService: `${namespace}/${vs.metadata.name}`, subsets: [...used].sort() });
  }
  return holds;
}

/** Istio's short-name rule (`ResolveShortnameToFQDN`): only a host without a dot is completed. */
export function resolveHost(host: string, namespace: string): string {
  return host === '*' || host.includes('.') ? host : `${host}.${namespace}.${CLUSTER_DOMAIN}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/**
 * Every destination a VirtualService sends to: `route[].destination` of its http, tcp and tls
 * routes, and http `mirror` / `mirrors[].destination`. Read defensively: a hand-written object may
 * carry any shape the CRD lets through.
 */
export function destinations(spec: VirtualService['spec']): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const list of ['http', 'tcp', 'tls']) {
    for (const route of records(spec[list])) {
      for (const r of records(route.route)) if (isRecord(r.destination)) found.push(r.destination);
      if (isRecord(route.mirror)) found.push(route.mirror);
      for (const m of records(route.mirrors)) if (isRecord(m.destination)) found.push(m.destination);
    }
  }
  return found;
}
