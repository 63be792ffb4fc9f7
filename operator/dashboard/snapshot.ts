/**
 * The one JSON document the page renders: every Router's view (operator/cluster/router-view.ts,
 * shared with `kubectl switchyard get`) with its progression timeline, every RateLimit with its
 * live rates, and what could not be read. Rebuilt and pushed whole on each change: a dashboard
 * shows tens of objects, and a whole document cannot drift from the cluster the way patches can.
 */
import { DEFAULT_NAMESPACE } from '../../api/meta.ts';
import type { RateLimitSpec, RateLimitStatus } from '../../api/rate-limit.ts';
import type { KubeObject } from '../../kube/types.ts';
import { routerViews, type ClusterObject, type RouterView } from '../cluster/router-view.ts';
import type { ClusterWatch, WatchError } from './cluster-watch.ts';
import { routerProvenance, type RouterProvenance } from './provenance.ts';
import type { QuotaRate, RatesView } from './ratelimit-rates.ts';
import { buildTimeline, type RouterEvent, type TimelineSample } from './timeline.ts';

export interface RouterPanel extends RouterView {
  timeline: TimelineSample[];
  /** core/explain's field provenance of the Router's final VirtualService and DestinationRule. */
  provenance?: RouterProvenance;
  /** Why there is no provenance (a spec that cannot be rendered). */
  provenanceError?: string;
}

export interface RateLimitPanel {
  namespace: string;
  name: string;
  /** The rate-limit service's quota id: `namespace/name`. */
  quota: string;
  mode: 'global' | 'local';
  side: 'server' | 'client';
  limit: string;
  hosts: string[];
  shadow: boolean;
  phase?: string;
  message?: string;
  descriptorKey?: string;
  /** Undefined when the rates are not live (see `rates` of the snapshot) or the service has not counted this quota. */
  rate?: QuotaRate;
}

export interface Snapshot {
  /** The namespace shown, or undefined for all (-A). */
  namespace: string | undefined;
  /** The API server the user's kubeconfig points at. */
  server: string;
  synced: boolean;
  routers: RouterPanel[];
  rateLimits: RateLimitPanel[];
  rates: RatesView;
  errors: WatchError[];
  generatedAt: string;
}

const namespaceOf = (o: KubeObject): string => o.metadata.namespace ?? DEFAULT_NAMESPACE;

function rateLimitPanel(o: KubeObject, rates: RatesView): RateLimitPanel {
  const spec = (o.spec ?? {}) as Partial<RateLimitSpec>;
  const status = (o.status ?? {}) as RateLimitStatus;
  const quota = `${namespaceOf(o)}/${o.metadata.name}`;
  const message = status.conditions?.find((c) => c.status !== 'True' && c.message)?.message ?? status.conditions?.find((c) => c.type === 'Ready')?.message;
  const rate = rates.state === 'live' ? rates.rates[quota] : undefined;
  return {
    namespace: namespaceOf(o),
    name: o.metadata.name,
    quota,
    mode: spec.mode ?? 'global',
    side: spec.side ?? 'server',
    limit: `${spec.quota ?? '?'}/${spec.unit ?? '?'}`,
    hosts: spec.hosts ?? [],
    shadow: spec.shadow === true,
    ...(status.phase === undefined ? {} : { phase: status.phase }),
    ...(message === undefined ? {} : { message }),
    ...(status.descriptorKey === undefined ? {} : { descriptorKey: status.descriptorKey }),
    ...(rate === undefined ? {} : { rate }),
  };
}

function byName(a: KubeObject, b: KubeObject): number {
  const ka = `${namespaceOf(a)}/${a.metadata.name}`;
  const kb = `${namespaceOf(b)}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function buildSnapshot(watch: ClusterWatch, rates: RatesView, context: { namespace: string | undefined; server: string; now: Date }): Snapshot {
  const events = watch.events.list() as unknown as RouterEvent[];
  const filters = watch.filters.list();
  const raw = new Map(watch.routers.list().map((r) => [`${namespaceOf(r)}/${r.metadata.name}`, r]));
  const routers = routerViews([...raw.values()] as ClusterObject[], filters as ClusterObject[]).map((view): RouterPanel => {
    const key = `${view.namespace}/${view.name}`;
    const mine = events.filter((e) => e.involvedObject?.name === view.name && (e.involvedObject.namespace ?? e.metadata?.namespace) === view.namespace);
    const explained = routerProvenance(raw.get(key)!, filters, context.now);
    return {
      ...view,
      timeline: buildTimeline(mine, watch.watched(key), view.uid),
      ...(explained.ok ? { provenance: explained.provenance } : { provenanceError: explained.message }),
    };
  });
  return {
    namespace: context.namespace,
    server: context.server,
    synced: watch.synced,
    routers,
    rateLimits: watch.rateLimits.list().sort(byName).map((o) => rateLimitPanel(o, rates)),
    rates,
    errors: watch.errors,
    generatedAt: context.now.toISOString(),
  };
}
