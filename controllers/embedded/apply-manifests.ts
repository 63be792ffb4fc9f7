import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HttpMethod } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { CONTENT_TYPE, type KubeClient } from '../runtime/kube-client.ts';
import type { KubeObject } from '../runtime/types.ts';

/** Field manager of what the embedded demo applies on the user's behalf (not the controllers'). */
export const DEMO_FIELD_MANAGER = 'switchyard-demo';

/** REST collection of each kind the demo applies: cluster-scoped bootstrap, RBAC and our CRs. */
const COLLECTIONS: Record<string, { path: string; namespaced: boolean }> = {
  'v1/Namespace': { path: '/api/v1/namespaces', namespaced: false },
  'v1/ServiceAccount': { path: '/api/v1/namespaces/{ns}/serviceaccounts', namespaced: true },
  'rbac.authorization.k8s.io/v1/ClusterRole': { path: '/apis/rbac.authorization.k8s.io/v1/clusterroles', namespaced: false },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', namespaced: false },
  'rbac.authorization.k8s.io/v1/Role': { path: '/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles', namespaced: true },
  'rbac.authorization.k8s.io/v1/RoleBinding': { path: '/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings', namespaced: true },
  'switchyard.io/v1alpha1/Router': { path: '/apis/switchyard.io/v1alpha1/namespaces/{ns}/routers', namespaced: true },
  'switchyard.io/v1alpha1/IstioFilter': { path: '/apis/switchyard.io/v1alpha1/namespaces/{ns}/istiofilters', namespaced: true },
  'switchyard.io/v1alpha1/RateLimit': { path: '/apis/switchyard.io/v1alpha1/namespaces/{ns}/ratelimits', namespaced: true },
};

/** Reads every object of the YAML files in `paths` (directories: their *.yaml files, sorted). */
export async function readObjects(paths: string[]): Promise<KubeObject[]> {
  const files: string[] = [];
  for (const p of paths) {
    if (p.endsWith('.yaml') || p.endsWith('.yml')) files.push(p);
    else files.push(...(await readdir(p)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(p, f)));
  }
  const objects: KubeObject[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(file, 'utf8'))) {
      const value = doc.toJS() as KubeObject | null;
      if (value && typeof value === 'object' && value.kind !== 'Kustomization') objects.push(value);
    }
  }
  return objects;
}

/** Server-side applies objects in order (namespaces they need are created first). */
export async function applyObjects(client: KubeClient, objects: KubeObject[], defaultNamespace = 'default'): Promise<void> {
  const namespaces = new Set(objects.filter((o) => COLLECTIONS[`${o.apiVersion}/${o.kind}`]?.namespaced).map((o) => o.metadata.namespace ?? defaultNamespace));
  const nsObjects: KubeObject[] = [...namespaces].sort().map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  for (const obj of [...nsObjects, ...objects]) {
    const collection = COLLECTIONS[`${obj.apiVersion}/${obj.kind}`];
    if (!collection) throw new Error(`cannot apply ${obj.apiVersion} ${obj.kind} ${obj.metadata.name}: kind not supported by the demo`);
    const ns = obj.metadata.namespace ?? defaultNamespace;
    const path = `${collection.path.replace('{ns}', encodeURIComponent(ns))}/${encodeURIComponent(obj.metadata.name)}`;
    const body = collection.namespaced ? { ...obj, metadata: { ...obj.metadata, namespace: ns } } : obj;
    await client.request(HttpMethod.PATCH, path, { body, contentType: CONTENT_TYPE.apply, query: { fieldManager: DEMO_FIELD_MANAGER, force: true } });
  }
}
