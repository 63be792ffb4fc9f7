// End to end: HTTP through a real Envoy whose rate-limit config is exactly what renderRateLimit
// produced, to real rate-limit service processes counting in a real Redis.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RateLimitSpec } from '../api/rate-limit.ts';
import { startHttpBackend, BACKEND_BODY, type HttpBackend } from '../dev/http-backend.ts';
import { startRedis, type RedisInstance } from '../dev/redis.ts';
import { metricValue } from './support/rls-process.ts';
import { clearOfWindowEdge, rateLimitNamed, startScenario, statusCounts, TEST_RLS_TIMEOUT, type Reply } from './support/ratelimit-scenario.ts';

// Envoy's default 20 ms would turn a slow answer on a loaded CI host into a failure-mode allow.
const TIMEOUT = TEST_RLS_TIMEOUT;
const PAGE_SHOW: RateLimitSpec = {
  hosts: ['page.shop.svc.cluster.local:80'],
  match: { headers: [{ key: ':path', matchType: 'exact', value: '/Page.Show' }] },
  quota: 20,
  unit: 'MINUTE',
  stage: 1,
  timeout: TIMEOUT,
};

let redis: RedisInstance;
let backend: HttpBackend;

beforeAll(async () => {
  [redis, backend] = await Promise.all([startRedis(), startHttpBackend()]);
});

afterAll(async () => {
  await Promise.all([redis?.stop(), backend?.stop()]);
});

function passed(replies: Reply[]): Reply[] {
  return replies.filter((r) => r.status === 200);
}

describe('global rate limit through Envoy', () => {
  test('seed example: exactly the quota of concurrent /Page.Show requests pass, the rest get 429 with x-ratelimit headers; other paths are free', async () => {
    const s = await startScenario([rateLimitNamed('page-show', PAGE_SHOW)], { backendPort: backend.port, redisUrl: redis.url });
    try {
      await clearOfWindowEdge('MINUTE');
      const replies = await s.send('/Page.Show', 30);
      expect(statusCounts(replies)).toEqual({ 200: 20, 429: 10 });
      for (const r of passed(replies)) expect(r.body).toBe(BACKEND_BODY);
      // Exact counting under concurrency: each admitted request saw its own remaining count.
      const remaining = passed(replies).map((r) => Number(r.headers.get('x-ratelimit-remaining')));
      expect(remaining.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      const limited = replies.find((r) => r.status === 429);
      expect(limited?.headers.get('x-envoy-ratelimited')).toBe('true');
      expect(limited?.headers.get('x-ratelimit-limit')).toBe('20, 20;w=60;name="shop/page-show"');
      expect(limited?.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(limited?.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
      const metrics = (await s.replicas[0]?.metrics()) ?? '';
      expect(metricValue(metrics, 'switchyard_rls_descriptor_over_limit_total', { quota: 'shop/page-show' })).toBe(10);
      expect(metricValue(metrics, 'switchyard_rls_failure_mode_total', { decision: 'allow' })).toBe(0);
      expect(statusCounts(await s.send('/Page.List', 10))).toEqual({ 200: 10 });
      expect(statusCounts(await s.send('/Page.Show?x=1', 3))).toEqual({ 200: 3 }); // :path includes the query
    } finally {
      await s.dispose();
    }
  });

  test('header-matched limit counts only requests carrying the header value', async () => {
    const spec: RateLimitSpec = { hosts: ['page.shop.svc.cluster.local:80'], match: { headers: [{ key: 'x-tenant', matchType: 'exact', value: 'acme' }] }, quota: 3, unit: 'MINUTE', timeout: TIMEOUT };
    const s = await startScenario([rateLimitNamed('tenant-acme', spec)], { backendPort: backend.port, redisUrl: redis.url });
    try {
      await clearOfWindowEdge('MINUTE');
      expect(statusCounts(await s.send('/any', 5, { 'x-tenant': 'acme' }))).toEqual({ 200: 3, 429: 2 });
      expect(statusCounts(await s.send('/any', 5, { 'x-tenant': 'globex' }))).toEqual({ 200: 5 });
      expect(statusCounts(await s.send('/any', 5))).toEqual({ 200: 5 });
    } finally {
      await s.dispose();
    }
  });

  test('remote-address match: callers inside the CIDR share the quota, a CIDR that excludes them does not limit', async () => {
    const base = { hosts: ['page.shop.svc.cluster.local:80'], unit: 'MINUTE' as const, timeout: TIMEOUT };
    const loopback = rateLimitNamed('from-loopback', { ...base, match: { remoteAddress: '127.0.0.0/8' }, quota: 3, stage: 0 });
    // Stage 1: a RateLimit of its own stage, so Envoy's two filters do not send each other's descriptors.
    const elsewhere = rateLimitNamed('from-ten', { ...base, match: { remoteAddress: '10.0.0.0/8' }, quota: 1, stage: 1 });
    const s = await startScenario([loopback, elsewhere], { backendPort: backend.port, redisUrl: redis.url });
    try {
      await clearOfWindowEdge('MINUTE');
      expect(statusCounts(await s.send('/any', 5))).toEqual({ 200: 3, 429: 2 });
      const metrics = await s.replicas[0]?.metrics();
      expect(metricValue(metrics ?? '', 'switchyard_rls_descriptor_hits_total', { quota: 'shop/from-loopback' })).toBe(5);
      expect(metricValue(metrics ?? '', 'switchyard_rls_descriptor_hits_total', { quota: 'shop/from-ten' })).toBe(0);
    } finally {
      await s.dispose();
    }
  });

  test('shadow mode lets everything through and the service counts the over-limit hits as shadow', async () => {
    const s = await startScenario([rateLimitNamed('shadowed', { ...PAGE_SHOW, quota: 2, shadow: true })], { backendPort: backend.port, redisUrl: redis.url });
    try {
      await clearOfWindowEdge('MINUTE');
      expect(statusCounts(await s.send('/Page.Show', 5))).toEqual({ 200: 5 });
      const metrics = (await s.replicas[0]?.metrics()) ?? '';
      expect(metricValue(metrics, 'switchyard_rls_descriptor_hits_total', { quota: 'shop/shadowed' })).toBe(5);
      expect(metricValue(metrics, 'switchyard_rls_descriptor_shadow_total', { quota: 'shop/shadowed' })).toBe(3);
    } finally {
      await s.dispose();
    }
  });
});
