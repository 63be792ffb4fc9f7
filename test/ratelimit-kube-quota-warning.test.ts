import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimit, RateLimitSpec } from '../api/rate-limit.ts';
import { applyObjects } from '../kube/apply-as-user.ts';
import { KubeClient, loadKubeConfig } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/types.ts';
import { KubeQuotaSource } from '../ratelimit/config/kube-quota-source.ts';
import { PartialQuotaTableError } from '../ratelimit/config/quota-source.ts';
import { jsonLogger } from '../ratelimit/service/json-logger.ts';
import { startHarness, type Harness } from '../ratelimit/service/rls-harness.test-support.ts';
import { MemoryStore } from '../ratelimit/store/memory-store.ts';
import { startControlPlane, type ControlPlane } from '../dev/control-plane.ts';
import { eventually } from './support/eventually.ts';

/** Rebuilds 20 ms after a change: the test waits on watch latency, not on the production debounce. */
const TEST_DEBOUNCE_MS = 20;

function rateLimitOf(name: string, spec: Partial<RateLimitSpec>): RateLimit {
  const seed: RateLimitSpec = { hosts: ['sm-verify-page.sm-verify.svc.cluster.local:80'], match: { headers: [{ key: ':path', matchType: 'exact', value: `/${name}` }] }, quota: 5, stage: 1, unit: 'SECOND' };
  return { apiVersion: 'switchyard.io/v1alpha1', kind: 'RateLimit', metadata: { name, namespace: 'sm-verify' }, spec: { ...seed, ...spec } };
}

interface LogLine {
  level: string;
  msg: string;
}

let cp: ControlPlane;
let source: KubeQuotaSource;
let h: Harness;
const lines: LogLine[] = [];
const failures: Error[] = [];

beforeAll(async () => {
  cp = await startControlPlane({ installCrds: true });
  const log = jsonLogger((line) => lines.push(JSON.parse(line) as LogLine));
  source = await KubeQuotaSource.start({ kubeConfig: loadKubeConfig({ path: cp.kubeconfigPath }), log, debounceMs: TEST_DEBOUNCE_MS });
  source.onReloadFailed((err) => failures.push(err));
  h = await startHarness(source, new MemoryStore(), { log });
});

afterAll(async () => {
  await h?.close();
  await cp?.stop();
});

describe('a RateLimit the service cannot serve, next to good ones', () => {
  it('is a warning (the good ones are served), not an error', async () => {
    const admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
    const bad = rateLimitOf('by-ipv6', { match: { remoteAddress: 'fd00::/8' } });
    await applyObjects(admin, [rateLimitOf('good', {}), bad] as unknown as KubeObject[]);
    await eventually('the problem reported', () => failures.length > 0);
    expect(failures[0]).toBeInstanceOf(PartialQuotaTableError);
    expect(source.current()?.index.entries().map((e) => e.id)).toEqual(['sm-verify/good']);
    const warnings = new Set(lines.filter((l) => l.level === 'warn').map((l) => l.msg));
    expect(warnings).toEqual(new Set(['RateLimits not served as written (their status says why)', 'quota table loaded without some quotas; the others are served']));
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
