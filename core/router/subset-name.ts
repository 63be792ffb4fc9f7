import type { RouterSpec, RouterSubset } from '../../api/router.ts';
import { RenderError } from './render-error.ts';

/** Kubernetes' default cluster domain; `spec.host` overrides the whole host when it differs. */
const CLUSTER_DOMAIN = 'svc.cluster.local';
/** Namespace Kubernetes assumes when an object's metadata names none. */
const DEFAULT_NAMESPACE = 'default';

/**
 * DestinationRule subset name of one branch×version, e.g. (`master`, `v1.0.1`) → `master-v1-0-1`;
 * a branch without versions is named by the branch alone (`box-0999`).
 *
 * Subset names end up in Envoy cluster names (`outbound|port|subset|fqdn`), so the result is
 * lowercase, every run of characters outside `[a-z0-9-]` becomes one `-`, repeated dashes collapse
 * and leading/trailing dashes are dropped. Deterministic; different inputs may collide
 * (`v1.0` and `v1_0`) — the renderer detects that.
 */
export function subsetName(branch: string, version?: string): string {
  const raw = version === undefined ? branch : `${branch}-${version}`;
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The default (main) branch: the one marked `default: true`, else the first one listed. */
export function defaultBranch(spec: Pick<RouterSpec, 'subsets'>): RouterSubset {
  const chosen = spec.subsets.find((s) => s.default === true) ?? spec.subsets[0];
  if (!chosen) throw new RenderError('spec.subsets', 'must list at least one branch', spec.subsets);
  return chosen;
}

/** Namespace of a Router, `default` when its metadata names none. */
export function routerNamespace(router: { metadata: { namespace?: string } }): string {
  return router.metadata.namespace ?? DEFAULT_NAMESPACE;
}

/** Host the Router routes: `spec.host`, else `<name>.<namespace>.svc.cluster.local`. */
export function routerHost(router: { metadata: { name: string; namespace?: string }; spec: { host?: string } }): string {
  return router.spec.host ?? `${router.metadata.name}.${routerNamespace(router)}.${CLUSTER_DOMAIN}`;
}
