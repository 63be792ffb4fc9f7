import { DEFAULT_NAMESPACE } from '../../api/meta.ts';

/** Kubernetes' default cluster domain; `spec.host` overrides the whole host when it differs. */
const CLUSTER_DOMAIN = 'svc.cluster.local';

/** Namespace of a Router, `DEFAULT_NAMESPACE` when its metadata names none. */
export function routerNamespace(router: { metadata: { namespace?: string } }): string {
  return router.metadata.namespace ?? DEFAULT_NAMESPACE;
}

/** Host the Router routes: `spec.host`, else `<name>.<namespace>.svc.cluster.local`. */
export function routerHost(router: { metadata: { name: string; namespace?: string }; spec: { host?: string } }): string {
  return router.spec.host ?? `${router.metadata.name}.${routerNamespace(router)}.${CLUSTER_DOMAIN}`;
}
