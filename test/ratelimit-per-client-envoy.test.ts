// Per-client limits (spec.per) end to end: HTTP through a real Envoy configured from the rendered
// EnvoyFilter, to a real rate-limit service counting in a real Redis.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RateLimitSpec } from '../api/rate-limit.ts';
import { startHttpBackend, type HttpBackend } from '../dev/http-backend.ts';
import { startRedis, type RedisInstance } from '../dev/redis.ts';
import { metricValue } from './support/rls-process.ts';
import { clearOfWindowEdge, rateLimitNamed, startScenario, statusCounts, TEST_RLS_TIMEOUT, type Scenario } from './support/ratelimit-scenario.ts';

const HOSTS = ['page.shop.svc.cluster.local:80'];

let redis: RedisInstance;
let backend: HttpBackend;

beforeAll(async () => {
  [redis, backend] = await Promise.all([startRedis(), startHttpBackend()]);
});

afterAll(async () => {
  await Promise.all([redis?.stop(), backend?.stop()]);
});

/** `count` concurrent GETs through Envoy from the loopback address `from` (Linux routes all of 127/8 to lo). */
function sendFrom(s: Scenario, from: string, count: number, path = '/any'): Promise<{ status: number }[]> {
  const one = (): Promise<{ status: number }> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.envoy.listenerPort, path, localAddress: from, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      });
      req.on('error', reject);
      req.end();
    });
  return Promise.all(Array.from({ length: count }, one));
}

describe.each<[RateLimitSpec['algorithm']]>([['fixedWindow'], ['slidingWindow']])('per API key through Envoy (%s)', (algorithm) => {
  test('each key has its own quota, a named key its override, requests without the key share one counter; no metric names a key', async () => {
    const spec: RateLimitSpec = {
      hosts: HOSTS,
      match: { headers: [{ key: ':path', matchType: 'prefix', value: '/api' }] },
      per: { header: 'x-api-key', overrides: [{ value: 'partner-7f3a', quota: 5 }] },
      quota: 3,
      unit: 'MINUTE',
      algorithm,
      timeout: TEST_RLS_TIMEOUT,
    };
    const s = await startScenario([rateLimitNamed('per-key', spec)], { backendPort: backend.port, redisUrl: redis.url });
    try {
      await clearOfWindowEdge('MINUTE');
      expect(statusCounts(await s.send('/api/orders', 5, { 'x-api-key': 'key-one' }))).toEqual({ 200: 3, 429: 2 });
      expect(statusCounts(await s.send('/api/orders', 5, { 'x-api-key': 'key-two' }))).toEqual({ 200: 3, 429: 2 });
      expect(statusCounts(await s.send('/api/orders', 7, { 'x-api-key': 'partner-7f3a' }))).toEqual({ 200: 5, 429: 2 });
      // The rule for a request without the header: all of them share one counter of the quota.
      expect(statusCounts(await s.send('/api/orders', 5))).toEqual({ 200: 3, 429: 2 });
      // Off /api the limit does not apply, key or not.
      expect(statusCounts(await s.send('/web', 5, { 'x-api-key': 'key-one' }))).toEqual({ 200: 5 });
      const limited = (await s.send('/api/orders', 1, { 'x-api-key': 'key-one' }))[0];
      expect([limited?.status, limited?.headers.get('x-ratelimit-limit')]).toEqual([429, '3, 3;w=60;name="shop/per-key"']);

      const metrics = (await s.replicas[0]?.metrics()) ?? '';
      expect(metricValue(metrics, 'switchyard_rls_descriptor_hits_total', { quota: 'shop/per-key' })).toBe(23);
      expect(metricValue(metrics, 'switchyard_rls_descriptor_over_limit_total', { quota: 'shop/per-key' })).toBe(9);
      // Cardinality: series are per RateLimit, never per caller.
      expect(metrics.split('\n').filter((line) => /key-one|key-two|partner-7f3a/.test(line))).toEqual([]);
    } finally {
      await s.dispose();
    }
  });
});

describe('per caller address through Envoy', () => {
  test('/32: 127.0.0.1 and 127.0.0.2 each have their own quota', async () => {
    const spec: RateLimitSpec = { hosts: HOSTS, per: { remoteAddress: {} }, quota: 2, unit: 'MINUTE', timeout: TEST_RLS_TIMEOUT };
    const s = await startScenario([rateLimitNamed('per-address', spec)], { backendPort: backend.port, redisUrl: redis.url });
    try {
      await clearOfWindowEdge('MINUTE');
      expect(statusCounts(await sendFrom(s, '127.0.0.1', 4))).toEqual({ 200: 2, 429: 2 });
      expect(statusCounts(await sendFrom(s, '127.0.0.2', 4))).toEqual({ 200: 2, 429: 2 });
    } finally {
      await s.dispose();
    }
  });

  test('/24 with an override: both addresses are one caller, counted against the override of their network', async () => {
    const spec: RateLimitSpec = { hosts: HOSTS, per: { remoteAddress: { prefixLength: 24 }, overrides: [{ value: '127.0.0.9', quota: 3 }] }, quota: 1, unit: 'MINUTE', timeout: TEST_RLS_TIMEOUT };
    const s = await startScenario([rateLimitNamed('per-network', spec)], { backendPort: backend.port, redisUrl: redis.url });
    try {
      await clearOfWindowEdge('MINUTE');
      expect(statusCounts(await sendFrom(s, '127.0.0.1', 2))).toEqual({ 200: 2 });
      expect(statusCounts(await sendFrom(s, '127.0.0.2', 2))).toEqual({ 200: 1, 429: 1 });
    } finally {
      await s.dispose();
    }
  });
});
