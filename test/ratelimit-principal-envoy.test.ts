// The caller's mTLS principal in a RateLimit (spec.per.principal, spec.match.source.principal),
// end to end: HTTPS with client certificates through a real Envoy whose listener terminates TLS as
// a sidecar's inbound does, configured from the rendered EnvoyFilter, to a real rate-limit service
// counting in a real Redis.
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RateLimitSpec } from '../api/rate-limit.ts';
import { startHttpBackend, type HttpBackend } from '../dev/http-backend.ts';
import { startRedis, type RedisInstance } from '../dev/redis.ts';
import { writeMeshCerts, type ClientIdentity, type MeshCerts } from './support/mtls-certs.ts';
import { clearOfWindowEdge, rateLimitNamed, startScenario, statusCounts, TEST_RLS_TIMEOUT, type Scenario } from './support/ratelimit-scenario.ts';

const HOSTS = ['page.shop.svc.cluster.local:80'];
const WEB = 'spiffe://cluster.local/ns/shop/sa/web';
const BATCH = 'spiffe://cluster.local/ns/shop/sa/batch';

let redis: RedisInstance;
let backend: HttpBackend;
let dir: string;
let certs: MeshCerts;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rl-perclient-mtls-'));
  [redis, backend, certs] = await Promise.all([startRedis(), startHttpBackend(), writeMeshCerts(dir, [WEB, BATCH])]);
});

afterAll(async () => {
  await Promise.all([redis?.stop(), backend?.stop(), dir && rm(dir, { recursive: true, force: true })]);
});

function client(uri: string): ClientIdentity {
  const found = certs.clients.find((c) => c.uri === uri);
  if (found === undefined) throw new Error(`no client certificate for ${uri}`);
  return found;
}

/** `count` concurrent HTTPS GETs through Envoy, presenting `identity`'s certificate (none: no certificate). */
function sendAs(s: Scenario, identity: ClientIdentity | undefined, count: number): Promise<{ status: number }[]> {
  const one = (): Promise<{ status: number }> =>
    new Promise((resolve, reject) => {
      const tls = identity === undefined ? {} : { cert: identity.cert, key: identity.key };
      const req = request({ host: '127.0.0.1', port: s.envoy.listenerPort, path: '/any', ca: certs.ca, agent: false, ...tls }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      });
      req.on('error', reject);
      req.end();
    });
  return Promise.all(Array.from({ length: count }, one));
}

async function scenario(name: string, spec: Pick<RateLimitSpec, 'quota' | 'per' | 'match' | 'mode'>): Promise<Scenario> {
  const local = spec.mode === 'local';
  const full: RateLimitSpec = { hosts: HOSTS, unit: 'MINUTE', ...(local ? {} : { timeout: TEST_RLS_TIMEOUT }), ...spec };
  return startScenario([rateLimitNamed(name, full)], { backendPort: backend.port, redisUrl: local ? undefined : redis.url, downstreamTls: certs.server });
}

describe('the caller\'s principal through Envoy (mTLS)', () => {
  test('per principal: each principal has its own quota, an override its own, callers without a certificate share one counter', async () => {
    const s = await scenario('per-principal', { quota: 2, per: { principal: {}, overrides: [{ value: 'cluster.local/ns/shop/sa/batch', quota: 4 }] } });
    try {
      await clearOfWindowEdge('MINUTE');
      expect(statusCounts(await sendAs(s, client(WEB), 4))).toEqual({ 200: 2, 429: 2 });
      expect(statusCounts(await sendAs(s, client(BATCH), 6))).toEqual({ 200: 4, 429: 2 });
      expect(statusCounts(await sendAs(s, undefined, 3))).toEqual({ 200: 2, 429: 1 });
    } finally {
      await s.dispose();
    }
  });

  test('match.source.principal: only that principal is limited, written as Istio writes principals', async () => {
    const s = await scenario('from-web', { quota: 1, match: { source: { principal: 'cluster.local/ns/shop/sa/web' } } });
    try {
      await clearOfWindowEdge('MINUTE');
      expect(statusCounts(await sendAs(s, client(WEB), 3))).toEqual({ 200: 1, 429: 2 });
      expect(statusCounts(await sendAs(s, client(BATCH), 3))).toEqual({ 200: 3 });
      expect(statusCounts(await sendAs(s, undefined, 3))).toEqual({ 200: 3 });
    } finally {
      await s.dispose();
    }
  });

  test('match.source.principal in mode local: each pod\'s token bucket counts only that principal', async () => {
    const s = await scenario('local-from-web', { mode: 'local', quota: 2, match: { source: { principal: WEB } } });
    try {
      expect(statusCounts(await sendAs(s, client(WEB), 4))).toEqual({ 200: 2, 429: 2 });
      expect(statusCounts(await sendAs(s, client(BATCH), 3))).toEqual({ 200: 3 });
    } finally {
      await s.dispose();
    }
  });
});
