/**
 * Kubernetes' default namespace: where a namespaced object without `metadata.namespace` lives
 * (kubectl's default too). The one spelling for every layer; `api/meta.ts` re-exports it.
 */
export const DEFAULT_NAMESPACE = 'default';
