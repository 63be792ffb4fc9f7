// The runtime's writes against a real kube-apiserver: server-side apply with its no-write fast
// path, the conflict rule for hand-written objects, adoption, delete, status and Events.
import { readFile } from 'node:fs/promises';
import { HttpMethod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Applier, ConflictError } from '../kube/apply.ts';
import { InformerCache } from '../kube/cache.ts';
import { EventRecorder } from '../kube/events.ts';
import { Informer } from '../kube/informer.ts';
import { ROUTER, SERVICE, VIRTUAL_SERVICE, resourcePath } from '../controllers/scheme.ts';
import { CONTENT_TYPE, KubeClient, loadKubeConfig, type RequestOptions } from '../kube/kube-client.ts';
import { silentLogger } from '../kube/logger.ts';
import { writeStatus } from '../kube/status.ts';
import type { KubeObject } from '../kube/types.ts';
import { startControlPlane, type ControlPlane } from '../dev/control-plane.ts';
import { eventually } from './support/eventually.ts';

const NS = 'runtime-apply';
const MANAGED = { 'app.kubernetes.io/managed-by': 'switchyard' };

let cp: ControlPlane;
let client: KubeClient;
let cache: InformerCache;
let applier: Applier;
const writes: string[] = [];

function virtualService(name: string, subset: string, labels: Record<string, string> | null = MANAGED): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: NS, ...(labels ? { labels } : {}) },
    spec: { hosts: [name], http: [{ route: [{ destination: { host: name, subset } }] }] },
  };
}

const getVs = (name: string) => client.get<KubeObject>(resourcePath(VIRTUAL_SERVICE, NS, name));

beforeAll(async () => {
  cp = await startControlPlane({ installCrds: true });
  client = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
  const send = client.request.bind(client);
  // Count every write the runtime makes, to prove "unchanged" wrote nothing.
  client.request = (<T>(method: HttpMethod, path: string, opts?: RequestOptions) => {
    if (method !== HttpMethod.GET) writes.push(`${method} ${path}`);
    return send<T>(method, path, opts);
  }) as KubeClient['request'];
  await client.request(HttpMethod.POST, '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, contentType: CONTENT_TYPE.json });
  cache = new InformerCache();
  for (const kind of [VIRTUAL_SERVICE, SERVICE]) {
    cache.add(new Informer({ client, kind, namespace: NS, labelSelector: 'app.kubernetes.io/managed-by=switchyard', log: silentLogger }));
  }
  cache.add(new Informer({ client, kind: ROUTER, namespace: NS, log: silentLogger }));
  for (const i of cache.all()) i.start();
  await Promise.all(cache.all().map((i) => i.waitForSync()));
  applier = new Applier({ client, cache });
});

afterAll(async () => {
  await Promise.all(cache?.all().map((i) => i.stop()) ?? []);
  await cp?.stop();
});

describe('Applier.apply', () => {
  it('creates, then reports unchanged without writing, then updates', async () => {
    expect(await applier.apply(virtualService('web', 'v1'))).toBe('created');
    const created = await getVs('web');
    await eventually('the cache to hold the VirtualService', () => cache.get(VIRTUAL_SERVICE, { namespace: NS, name: 'web' }));
    writes.length = 0;
    expect(await applier.apply(virtualService('web', 'v1'))).toBe('unchanged');
    expect(writes).toEqual([]);
    expect((await getVs('web')).metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(await applier.apply(virtualService('web', 'v2'))).toBe('updated');
    const updated = await getVs('web');
    expect(updated.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
    expect(updated.spec).toEqual(virtualService('web', 'v2').spec);
    expect(updated.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'switchyard', operation: 'Apply' })]);
  });

  it('treats a Service with server defaults as unchanged', async () => {
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS, labels: MANAGED }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
    expect(await applier.apply(svc)).toBe('created');
    await eventually('the cache to hold the Service', () => cache.get(SERVICE, { namespace: NS, name: 'web' }));
    writes.length = 0;
    expect(await applier.apply(svc)).toBe('unchanged');
    expect(writes).toEqual([]);
  });

  it('refuses to touch a hand-written VirtualService of the same name unless adopting', async () => {
    await client.request(HttpMethod.POST, resourcePath(VIRTUAL_SERVICE, NS), { body: virtualService('hand', 'manual', null), contentType: CONTENT_TYPE.json });
    const before = await getVs('hand');
    await expect(applier.apply(virtualService('hand', 'v1'))).rejects.toThrow(ConflictError);
    await expect(applier.apply(virtualService('hand', 'v1'))).rejects.toThrow(
      'VirtualService runtime-apply/hand exists and is not managed by Switchyard (no label app.kubernetes.io/managed-by=switchyard); refusing to apply it',
    );
    await expect(applier.delete(VIRTUAL_SERVICE, { namespace: NS, name: 'hand' })).rejects.toThrow(ConflictError);
    const after = await getVs('hand');
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec).toEqual(before.spec);
    expect(await applier.apply(virtualService('hand', 'v1'), { adopt: true })).toBe('updated');
    const adopted = await getVs('hand');
    expect(adopted.metadata.labels).toEqual(MANAGED);
    expect(adopted.spec).toEqual(virtualService('hand', 'v1').spec);
  });

  it('deletes a managed object and treats an absent one as done', async () => {
    await applier.apply(virtualService('doomed', 'v1'));
    await applier.delete(VIRTUAL_SERVICE, { namespace: NS, name: 'doomed' });
    await expect(getVs('doomed')).rejects.toMatchObject({ code: 404 });
    await applier.delete(VIRTUAL_SERVICE, { namespace: NS, name: 'doomed' });
  });
});

describe('status and events', () => {
  it('merge-patches the status subresource, skips an equal status and records an Event', async () => {
    const router = parse(await readFile(new URL('../examples/01-canary-with-sandbox.yaml', import.meta.url), 'utf8')) as KubeObject;
    router.metadata = { name: 'web', namespace: NS };
    const created = await client.request<KubeObject>(HttpMethod.POST, resourcePath(ROUTER, NS), { body: router, contentType: CONTENT_TYPE.json });
    const key = { namespace: NS, name: 'web' };
    const step = { number: 1, total: 3, action: 'apply-union-destination-rule', kind: 'DestinationRule', name: 'web' };
    expect(await writeStatus({ client, cache }, ROUTER, key, { phase: 'Progressing', step })).toBe(true);
    await eventually('the cached status', () => (cache.get(ROUTER, key)?.status as { phase?: string } | undefined)?.phase === 'Progressing');
    writes.length = 0;
    expect(await writeStatus({ client, cache }, ROUTER, key, { phase: 'Progressing', step })).toBe(false);
    expect(writes).toEqual([]);
    // The new status replaces the old: `step` is removed, not left behind by the merge patch.
    expect(await writeStatus({ client, cache }, ROUTER, key, { phase: 'Ready', weights: 'v1=100' })).toBe(true);
    const live = await client.get<KubeObject>(resourcePath(ROUTER, NS, 'web'));
    expect(live.status).toEqual({ phase: 'Ready', weights: 'v1=100' });
    expect(live.metadata.generation).toBe(created.metadata.generation);

    const recorder = new EventRecorder({ client, log: silentLogger });
    recorder.record(live, 'Normal', 'Applied', 'DestinationRule web: union of subsets');
    recorder.record(live, 'Normal', 'Applied', 'DestinationRule web: union of subsets');
    await recorder.flush();
    const events = await client.get<{ items: { reason: string; count: number; involvedObject: { uid: string } }[] }>(`/api/v1/namespaces/${NS}/events`);
    expect(events.items.map((e) => ({ reason: e.reason, count: e.count, uid: e.involvedObject.uid }))).toEqual([{ reason: 'Applied', count: 2, uid: created.metadata.uid }]);
  });
});
