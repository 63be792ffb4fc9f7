import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type RequestOptions } from 'node:https';
import { ApiextensionsV1Api, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

/** Field manager of everything the harness applies, so its ownership is visible in managedFields. */
export const HARNESS_FIELD_MANAGER = 'switchyard-harness';

/** A CRD becomes Established within a second or two; a minute means something is wrong. */
const ESTABLISHED_TIMEOUT_MS = 60_000;
const POLL_MS = 100;
/** Server-side apply; JSON is valid YAML, so a JSON body is fine. */
const APPLY_PATCH = PatchStrategy.ServerSideApply;

/** Reads every object from multi-document YAML files, skipping empty documents. */
export async function readManifests(files: string[]): Promise<KubernetesObject[]> {
  const objects: KubernetesObject[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(file, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: invalid YAML: ${doc.errors[0]?.message}`);
      const value = doc.toJS() as KubernetesObject | null;
      if (value && typeof value === 'object') objects.push(value);
    }
  }
  return objects;
}

/** Where the harness may apply each kind (it only applies cluster-scoped bootstrap objects). */
const APPLY_PATHS: Record<string, string> = {
  'v1/Namespace': '/api/v1/namespaces',
  'apiextensions.k8s.io/v1/CustomResourceDefinition': '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
};

/** PATCH with a raw JSON body; returns the status code and body text. */
async function rawPatch(kc: KubeConfig, path: string, contentType: string, body: string): Promise<{ status: number; text: string }> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('kubeconfig has no current cluster');
  const options: RequestOptions = { method: 'PATCH', headers: { 'content-type': contentType, accept: 'application/json' } };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server), options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Server-side applies each object (content type application/apply-patch+yaml, forced, with the
 * harness field manager). The body is sent as written: client-node's KubernetesObjectApi
 * re-serialises objects through its typed models, which drops keys such as
 * `x-kubernetes-int-or-string` from raw manifests. Errors name the object and carry the API
 * server's message. Only Namespaces and CRDs are supported.
 */
export async function serverSideApply(kc: KubeConfig, objects: KubernetesObject[]): Promise<void> {
  for (const obj of objects) {
    const collection = APPLY_PATHS[`${obj.apiVersion}/${obj.kind}`];
    const name = obj.metadata?.name;
    if (!collection || !name) throw new Error(`harness cannot apply ${obj.apiVersion} ${obj.kind} ${name ?? '(no name)'}`);
    const query = `?fieldManager=${HARNESS_FIELD_MANAGER}&force=true`;
    const res = await rawPatch(kc, `${collection}/${encodeURIComponent(name)}${query}`, APPLY_PATCH, JSON.stringify(obj));
    if (res.status < 200 || res.status > 299) {
      throw new Error(`apply ${obj.kind} ${name}: HTTP ${res.status}: ${apiMessage({ body: res.text })}`);
    }
  }
}

/** Polls until every named CRD has condition Established=True; the error lists those that are not. */
export async function waitForCrdsEstablished(kc: KubeConfig, names: string[]): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const deadline = Date.now() + ESTABLISHED_TIMEOUT_MS;
  let pending = new Set(names);
  while (pending.size > 0) {
    const list = await api.listCustomResourceDefinition();
    const established = new Set(
      list.items
        .filter((crd) => crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'))
        .map((crd) => crd.metadata?.name),
    );
    pending = new Set([...pending].filter((n) => !established.has(n)));
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`CRDs not Established after ${ESTABLISHED_TIMEOUT_MS} ms: ${[...pending].join(', ')}`);
    await sleep(POLL_MS);
  }
}

/** Applies CRD manifests and waits for all of them to be served; returns their names. */
export async function installCrds(kc: KubeConfig, files: string[]): Promise<string[]> {
  const objects = await readManifests(files);
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  await serverSideApply(kc, crds);
  const names = crds.map((c) => c.metadata?.name ?? '');
  await waitForCrdsEstablished(kc, names);
  return names;
}

/** The API server's own message from a client-node error (its Status body), else the error text. */
export function apiMessage(err: unknown): string {
  const e = err as { body?: unknown; message?: string };
  if (typeof e.body === 'string') {
    try {
      const status = JSON.parse(e.body) as { message?: string };
      if (status.message) return status.message;
    } catch {
      return e.body;
    }
  }
  if (e.body && typeof e.body === 'object' && 'message' in e.body) return String((e.body as { message: unknown }).message);
  return e.message ?? String(err);
}
