import { HttpMethod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimit } from '../api/rate-limit.ts';
import { applyObjects } from '../controllers/embedded/apply-manifests.ts';
import { KubeClient, loadKubeConfig } from '../controllers/runtime/kube-client.ts';
import type { KubeObject } from '../controllers/runtime/types.ts';
import { KubeQuotaSource } from '../ratelimit/config/kube-quota-source.ts';
import { rateLimitDescriptor } from '../ratelimit/render/descriptor.ts';
import { silentLogger } from '../ratelimit/service/json-logger.ts';
import { startControlPlane, type ControlPlane } from './support/control-plane.ts';
import { eventually } from './support/eventually.ts';

/** The seed RateLimit, as a user would apply it. */
function pageShow(quota: number): RateLimit {
  return {
    apiVersion: 'switchyard.io/v1alpha1',
    kind: 'RateLimit',
    metadata: { name: 'page-show', namespace: 'sm-verify' },
    spec: { hosts: ['sm-verify-page.sm-verify.svc.cluster.local:80'], match: { headers: [{ key: ':path', matchType: 'exact', value: '/Page.Show' }] }, quota, stage: 1, unit: 'SECOND' },
  };
}

let cp: ControlPlane;
let admin: KubeClient;
let source: KubeQuotaSource;
const failures: string[] = [];

beforeAll(async () => {
  cp = await startControlPlane({ installCrds: true });
  admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
  source = await KubeQuotaSource.start({ kubeConfig: loadKubeConfig({ path: cp.kubeconfigPath }), log: silentLogger, debounceMs: 20 });
  source.onReloadFailed((err) => failures.push(err.message));
});

afterAll(async () => {
  await source?.close();
  await cp?.stop();
});

const seed = pageShow(800);
const descriptor = rateLimitDescriptor(seed);
const limitOf = (): number | undefined => source.current()?.index.match(descriptor.domain, descriptor.entries)?.entry.requestsPerUnit;

describe('quota table from RateLimit resources (real API server)', () => {
  it('is ready (empty) once the first list completes', () => {
    expect(source.current()?.index.entries()).toEqual([]);
  });

  it('serves a RateLimit as soon as it is applied, under the descriptor Envoy sends', async () => {
    await applyObjects(admin, [seed as unknown as KubeObject]);
    await eventually('quota 800 served', () => limitOf() === 800);
    expect(source.current()?.origin).toBe('kubernetes RateLimits');
  });

  it('applies an edit without a restart', async () => {
    await applyObjects(admin, [pageShow(3) as unknown as KubeObject]);
    await eventually('quota 3 served', () => limitOf() === 3);
  });

  it('leaves out a RateLimit it cannot serve, keeps the others live and says why', async () => {
    const principal = { ...pageShow(7), metadata: { name: 'by-principal', namespace: 'sm-verify' } };
    principal.spec = { ...principal.spec, match: { source: { principal: 'cluster.local/ns/shop/sa/web' } } };
    await applyObjects(admin, [principal as unknown as KubeObject]);
    await eventually('the unservable RateLimit reported', () => failures.find((f) => f.includes('sm-verify/by-principal')));
    expect(limitOf()).toBe(3);
    expect(source.current()?.index.entries().map((e) => e.id)).toEqual(['sm-verify/page-show']);
    await admin.request(HttpMethod.DELETE, '/apis/switchyard.io/v1alpha1/namespaces/sm-verify/ratelimits/by-principal');
  });

  it('survives an API server restart and keeps following edits', async () => {
    await cp.restartApiServer();
    await applyObjects(admin, [pageShow(5) as unknown as KubeObject]);
    await eventually('quota 5 served after the restart', () => limitOf() === 5, 30_000);
  });

  it('drops the quota when the RateLimit is deleted', async () => {
    await admin.request(HttpMethod.DELETE, '/apis/switchyard.io/v1alpha1/namespaces/sm-verify/ratelimits/page-show');
    await eventually('quota gone', () => limitOf() === undefined);
  });
});
