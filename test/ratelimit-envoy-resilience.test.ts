// End to end through a real Envoy configured from the rendered EnvoyFilters: what happens when the
// rate-limit service goes away and comes back, two service replicas sharing Redis, and local mode.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RateLimitSpec } from '../api/rate-limit.ts';
import { renderRateLimit } from '../core/ratelimit/render-rate-limit.ts';
import { envoyConfigFromFilter } from './support/envoy-config-from-filter.ts';
import { startEnvoy } from '../dev/envoy.ts';
import { startHttpBackend, type HttpBackend } from '../dev/http-backend.ts';
import { clearOfWindowEdge, RLS_CLUSTER, rateLimitNamed, startScenario, statusCounts, TEST_RLS_TIMEOUT } from './support/ratelimit-scenario.ts';
import { startRedis, type RedisInstance } from '../dev/redis.ts';
import { metricValue } from './support/rls-process.ts';

/** See ratelimit-envoy.test.ts. */
const TIMEOUT = TEST_RLS_TIMEOUT;
const HOSTS = ['page.shop.svc.cluster.local:80'];

let redis: RedisInstance;
let backend: HttpBackend;

beforeAll(async () => {
  [redis, backend] = await Promise.all([startRedis(), startHttpBackend()]);
});

afterAll(async () => {
  await Promise.all([redis?.stop(), backend?.stop()]);
});

function byHeader(name: string, value: string, quota: number, stage: number, failureMode: 'allow' | 'deny'): RateLimitSpec {
  return { hosts: HOSTS, match: { headers: [{ key: 'x-mode', matchType: 'exact', value }] }, quota, unit: 'MINUTE', stage, failureMode, timeout: TIMEOUT };
}

describe('rate-limit service unavailable', () => {
  test('failure mode allow passes, deny answers 500; a service restarted on the same port limits again without restarting Envoy', async () => {
    // Separate stages: each filter only sends (and only fails on) its own RateLimit's descriptor.
    const open = rateLimitNamed('fail-open', byHeader('x-mode', 'open', 2, 0, 'allow'));
    const closed = rateLimitNamed('fail-closed', byHeader('x-mode', 'closed', 3, 1, 'deny'));
    const s = await startScenario([open, closed], { backendPort: backend.port, redisUrl: redis.url });
    const rls = s.replicas[0];
    if (rls === undefined) throw new Error('scenario started no rate-limit service');
    try {
      await clearOfWindowEdge('MINUTE');
      expect(statusCounts(await s.send('/', 2, { 'x-mode': 'closed' }))).toEqual({ 200: 2 });
      await rls.stop();
      expect(statusCounts(await s.send('/', 4, { 'x-mode': 'open' }))).toEqual({ 200: 4 });
      const denied = await s.send('/', 2, { 'x-mode': 'closed' });
      expect(statusCounts(denied)).toEqual({ 500: 2 });
      expect(denied[0]?.headers.get('x-envoy-ratelimited')).toBeNull();
      const stats = await s.envoy.stats();
      expect(stats['cluster.backend.ratelimit.error']).toBe(6);
      expect(stats['cluster.backend.ratelimit.failure_mode_allowed']).toBe(4);
      expect(statusCounts(await s.send('/', 3))).toEqual({ 200: 3 }); // no x-mode: neither filter asks
      await rls.start();
      // The counter lived in Redis through the restart: 2 of 3 were used, so one more passes.
      const after = [];
      for (let i = 0; i < 3; i++) after.push(...(await s.send('/', 1, { 'x-mode': 'closed' })));
      expect(after.map((r) => r.status)).toEqual([200, 429, 429]);
    } finally {
      await s.dispose();
    }
  });
});

describe('two rate-limit service replicas sharing Redis', () => {
  test('enforce one global quota, whichever replica Envoy asks', async () => {
    const spec: RateLimitSpec = { hosts: HOSTS, quota: 10, unit: 'MINUTE', timeout: TIMEOUT };
    const s = await startScenario([rateLimitNamed('shared', spec)], { backendPort: backend.port, redisUrl: redis.url, replicas: 2 });
    try {
      await clearOfWindowEdge('MINUTE');
      expect(statusCounts(await s.send('/', 16))).toEqual({ 200: 10, 429: 6 });
      expect(statusCounts(await s.send('/', 6))).toEqual({ 429: 6 });
      const metrics = await Promise.all(s.replicas.map((r) => r.metrics()));
      const hits = metrics.map((m) => metricValue(m, 'switchyard_rls_descriptor_hits_total', { quota: 'shop/shared' }));
      expect(hits.reduce((a, b) => a + b, 0)).toBe(22);
      for (const h of hits) expect(h).toBeGreaterThan(0); // Envoy round-robins: both replicas counted
      // Every answer came from Redis, none from the failure mode.
      for (const m of metrics) expect(metricValue(m, 'switchyard_rls_failure_mode_total', { decision: 'allow' })).toBe(0);
    } finally {
      await s.dispose();
    }
  });
});

describe('local mode', () => {
  test('the rendered local_ratelimit bucket limits each Envoy on its own, no rate-limit service involved', async () => {
    const spec: RateLimitSpec = {
      hosts: HOSTS,
      mode: 'local',
      match: { headers: [{ key: ':path', matchType: 'exact', value: '/Page.Show' }] },
      quota: 5,
      unit: 'HOUR',
    };
    const filters = renderRateLimit(rateLimitNamed('local-page', spec), { serviceCluster: RLS_CLUSTER });
    const config = envoyConfigFromFilter(filters, { backendPort: backend.port });
    const envoys = await Promise.all([startEnvoy(config), startEnvoy(config)]);
    try {
      for (const envoy of envoys) {
        const statuses: number[] = [];
        for (let i = 0; i < 7; i++) {
          const res = await fetch(`http://127.0.0.1:${envoy.listenerPort}/Page.Show`);
          statuses.push(res.status);
          if (res.status === 429) expect(res.headers.get('x-local-rate-limit')).toBe('true');
          await res.text();
        }
        expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
        const other = await fetch(`http://127.0.0.1:${envoy.listenerPort}/Page.List`);
        expect(other.status).toBe(200);
        await other.text();
        const stats = await envoy.stats();
        expect(stats['switchyard_shop_local_page.http_local_rate_limit.rate_limited']).toBe(2);
        expect(Object.keys(stats).filter((k) => k.startsWith(`cluster.${RLS_CLUSTER}.`))).toEqual([]);
      }
    } finally {
      await Promise.all(envoys.map((e) => e.stop()));
    }
  });
});
