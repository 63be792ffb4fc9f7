import { DEFAULT_NAMESPACE } from '../lib/default-namespace.ts';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HttpMethod } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { kindInfo, resourcePath } from './kinds.ts';
import { CONTENT_TYPE, type KubeClient } from './kube-client.ts';
import type { KubeObject } from './types.ts';

/** Field manager of what the embedded demo applies on the user's behalf (not the controllers'). */
export const DEMO_FIELD_MANAGER = 'switchyard-demo';

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
      if (doc.errors.length > 0) throw new Error(`${file}: invalid YAML: ${doc.errors[0]?.message}`);
      const value = doc.toJS() as KubeObject | null;
      if (value && typeof value === 'object' && value.kind !== 'Kustomization') objects.push(value);
    }
  }
  return objects;
}

/**
 * Server-side applies one object as a user would (`kubectl apply --server-side --force-conflicts`
 * with `fieldManager`); the body is sent exactly as given. Returns the object the server stored.
 */
export function applyObject<T extends KubeObject>(client: KubeClient, obj: T, fieldManager: string): Promise<T> {
  const kind = { apiVersion: obj.apiVersion, kind: obj.kind };
  const namespace = kindInfo(kind).clusterScoped ? undefined : obj.metadata.namespace;
  return client.request<T>(HttpMethod.PATCH, resourcePath(kind, namespace, obj.metadata.name), {
    body: obj,
    contentType: CONTENT_TYPE.apply,
    query: { fieldManager, force: true },
  });
}

/**
 * Server-side applies objects in order; namespaced objects without a namespace get
 * `defaultNamespace`, and the namespaces they need are applied first.
 */
export async function applyObjects(client: KubeClient, objects: KubeObject[], fieldManager = DEMO_FIELD_MANAGER, defaultNamespace = DEFAULT_NAMESPACE): Promise<void> {
  const placed = objects.map((o) =>
    kindInfo({ apiVersion: o.apiVersion, kind: o.kind }).clusterScoped ? o : { ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? defaultNamespace } },
  );
  const namespaces = [...new Set(placed.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : [])))].sort();
  for (const name of namespaces) await applyObject(client, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, fieldManager);
  for (const obj of placed) await applyObject(client, obj, fieldManager);
}
