import { status as GrpcStatus } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.ts';
import { PartialQuotaTableError, QuotaSnapshotHolder, snapshotFromTable, staticQuotaSource } from '../config/quota-source.ts';
import { buildQuotaTable, type QuotaTable } from '../../core/ratelimit/quota-table.ts';
import { rateLimitDescriptor } from '../../core/ratelimit/descriptor.ts';
import { SEED_SPEC, rateLimitOf } from '../../core/ratelimit/rate-limit-fixture.test-support.ts';
import { jsonLogger } from './json-logger.ts';
import { FakeStore, startHarness, type Harness } from './rls-harness.test-support.ts';

// 15.25 s into an epoch-aligned minute: 750 ms left in the second, 44.75 s in the minute.
const NOW = 1_700_000_040_000 + 15_250;

const pageShow = rateLimitOf({ ...SEED_SPEC, quota: 3, unit: 'SECOND' });
const login = rateLimitOf({ ...SEED_SPEC, quota: 2, unit: 'MINUTE', match: undefined, shadow: true }, 'login', 'auth');
const strict = rateLimitOf({ ...SEED_SPEC, quota: 1, unit: 'MINUTE', match: undefined, failureMode: 'deny' }, 'strict', 'auth');
const TABLE: QuotaTable = buildQuotaTable([pageShow, login, strict]).table;
const descriptorOf = (rl: typeof pageShow) => ({ entries: rateLimitDescriptor(rl).entries });
const PAGE = descriptorOf(pageShow);
const LOGIN = descriptorOf(login);
const STRICT = descriptorOf(strict);
const UNKNOWN = { entries: [{ key: 'generic_key', value: 'nobody' }] };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start(store = new FakeStore(), options = {}) {
  h = await startHarness(staticQuotaSource(TABLE), store, { now: () => NOW, ...options });
  return { h, store };
}

describe('ShouldRateLimit', () => {
  it('answers OK until the quota is used, then OVER_LIMIT, with exact limit, remaining and reset', async () => {
    const { h } = await start();
    const codes: string[] = [];
    let last: Record<string, unknown> = {};
    for (let i = 0; i < 4; i++) {
      last = await h.call({ domain: 'switchyard', descriptors: [PAGE] });
      codes.push(last.overall_code as string);
    }
    expect(codes).toEqual(['OK', 'OK', 'OK', 'OVER_LIMIT']);
    expect(last.statuses).toEqual([
      {
        code: 'OVER_LIMIT',
        current_limit: { name: 'sm-verify/page-show', requests_per_unit: 3, unit: 'SECOND' },
        limit_remaining: 0,
        duration_until_reset: { seconds: 0, nanos: 750_000_000 },
        quota: null,
      },
    ]);
    expect(last.response_headers_to_add).toEqual([]);
  });

  it('request hits_addend N counts N; 0 (unset on the wire) counts 1', async () => {
    const { h, store } = await start();
    await h.call({ domain: 'switchyard', descriptors: [PAGE], hits_addend: 2 });
    await h.call({ domain: 'switchyard', descriptors: [PAGE], hits_addend: 0 });
    expect(store.calls.map((c) => c.requests.map((r) => r.hits))).toEqual([[2], [1]]);
    const res = await h.call({ domain: 'switchyard', descriptors: [PAGE] });
    expect(res.overall_code).toBe('OVER_LIMIT');
  });

  it('descriptor hits_addend overrides the request; 0 checks without counting', async () => {
    const { h, store } = await start();
    const first = await h.call({ domain: 'switchyard', descriptors: [{ ...PAGE, hits_addend: { value: 0 } }], hits_addend: 5 });
    expect((first.statuses as { limit_remaining: number }[])[0]?.limit_remaining).toBe(3);
    await h.call({ domain: 'switchyard', descriptors: [{ ...PAGE, hits_addend: { value: 3 } }], hits_addend: 1 });
    expect(store.calls.map((c) => c.requests[0]?.hits)).toEqual([0, 3]);
  });

  it('applies a per-descriptor limit override (and its unit) instead of the quota', async () => {
    const { h, store } = await start();
    const res = await h.call({ domain: 'switchyard', descriptors: [{ ...PAGE, limit: { requests_per_unit: 10, unit: 'MINUTE' } }] });
    expect(res.statuses).toEqual([
      { code: 'OK', current_limit: { name: 'sm-verify/page-show', requests_per_unit: 10, unit: 'MINUTE' }, limit_remaining: 9, duration_until_reset: { seconds: 44, nanos: 750_000_000 }, quota: null },
    ]);
    expect(store.calls[0]?.requests[0]?.limitOverride).toEqual({ requestsPerUnit: 10, unit: 'MINUTE' });
  });

  it('does not limit unknown descriptors or domains, and never calls the store for them', async () => {
    const { h, store } = await start();
    const notLimited = { code: 'OK', current_limit: null, limit_remaining: 0, duration_until_reset: null, quota: null };
    expect((await h.call({ domain: 'switchyard', descriptors: [UNKNOWN] })).statuses).toEqual([notLimited]);
    expect((await h.call({ domain: 'elsewhere', descriptors: [PAGE] })).overall_code).toBe('OK');
    expect(store.calls).toEqual([]);
  });

  it('answers one status per descriptor, in order; overall OVER_LIMIT when any is', async () => {
    const { h } = await start();
    await h.call({ domain: 'switchyard', descriptors: [PAGE], hits_addend: 3 });
    const res = await h.call({ domain: 'switchyard', descriptors: [UNKNOWN, PAGE] });
    expect(res.overall_code).toBe('OVER_LIMIT');
    expect((res.statuses as { code: string }[]).map((s) => s.code)).toEqual(['OK', 'OVER_LIMIT']);
  });

  it('shadow mode counts and reports OK, and counts the shadow hit in metrics', async () => {
    const { h } = await start();
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await h.call({ domain: 'switchyard', descriptors: [LOGIN] })).overall_code);
    expect(codes).toEqual(['OK', 'OK', 'OK']);
    const metrics = await h.service.metrics.expose();
    expect(metrics).toContain('switchyard_rls_descriptor_hits_total{quota="auth/login"} 3\n');
    expect(metrics).toContain('switchyard_rls_descriptor_over_limit_total{quota="auth/login"} 1\n');
    expect(metrics).toContain('switchyard_rls_descriptor_shadow_total{quota="auth/login"} 1\n');
  });

  it('adds x-ratelimit-* headers for the descriptor closest to its limit when enabled', async () => {
    const { h } = await start(new FakeStore(), { rateLimitHeaders: true });
    const res = await h.call({ domain: 'switchyard', descriptors: [LOGIN, STRICT] });
    expect(res.response_headers_to_add).toEqual([
      { key: 'x-ratelimit-limit', value: '1, 1;w=60' },
      { key: 'x-ratelimit-remaining', value: '0' },
      { key: 'x-ratelimit-reset', value: '45' },
    ]);
  });
});

describe('when the store is unavailable', () => {
  it.each([['throws', 'throw'] as const, ['hangs', 'hang'] as const])('store %s: allow-mode quotas answer OK, deny-mode OVER_LIMIT, within the deadline', async (_, mode) => {
    const store = new FakeStore();
    store.mode = mode;
    const { h } = await start(store);
    const started = performance.now();
    const allow = await h.call({ domain: 'switchyard', descriptors: [PAGE] });
    const deny = await h.call({ domain: 'switchyard', descriptors: [LOGIN, STRICT] });
    expect(performance.now() - started).toBeLessThan(200);
    expect(allow.overall_code).toBe('OK');
    expect(deny.overall_code).toBe('OVER_LIMIT');
    // Shadow quotas never reject, even with failure mode deny; remaining is unknown (0).
    expect((deny.statuses as { code: string; limit_remaining: number }[]).map((s) => [s.code, s.limit_remaining])).toEqual([['OK', 0], ['OVER_LIMIT', 0]]);
    expect(store.calls[0]?.deadlineMs).toBe(15);
    const metrics = await h.service.metrics.expose();
    expect(metrics).toContain('switchyard_rls_failure_mode_total{decision="allow"} 1\n');
    expect(metrics).toContain('switchyard_rls_failure_mode_total{decision="deny"} 1\n');
    expect(metrics).toContain('switchyard_rls_store_errors_total{kind="unavailable"} 2\n');
  });
});

describe('errors', () => {
  it('rejects invalid requests with INVALID_ARGUMENT naming field, rule and value', async () => {
    const { h } = await start();
    const err = await h.call({ domain: 'switchyard', descriptors: [{ entries: [{ key: 'k', value: '' }] }] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: GrpcStatus.INVALID_ARGUMENT, details: 'descriptors[0].entries[0].value: must be a non-empty string (got "")' });
    expect(await h.service.metrics.expose()).toContain('switchyard_rls_errors_total{kind="invalid_argument"} 1\n');
  });

  it('rejects bytes that are not a RateLimitRequest with INVALID_ARGUMENT (the caller\'s fault), not INTERNAL', async () => {
    const { h, store } = await start();
    const err = await h.callRaw(Buffer.from('ffffff', 'hex')).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      details: 'request: must be a RateLimitRequest in protobuf encoding (got 3 bytes that do not decode: truncated varint at byte 3)',
    });
    expect(store.calls).toEqual([]);
    expect(await h.service.metrics.expose()).toContain('switchyard_rls_errors_total{kind="invalid_argument"} 1\n');
    // The connection and the server are fine: the next call is answered.
    expect((await h.call({ domain: 'switchyard', descriptors: [PAGE] })).overall_code).toBe('OK');
  });

  it('answers UNAVAILABLE before any quota table is loaded', async () => {
    h = await startHarness(new QuotaSnapshotHolder(), new FakeStore(), { now: () => NOW });
    const err = await h.call({ domain: 'switchyard', descriptors: [PAGE] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: GrpcStatus.UNAVAILABLE, details: 'no quota table loaded yet' });
  });
});

describe('gRPC health', () => {
  it('is SERVING when ready, NOT_SERVING when the store is down, NOT_FOUND for other services', async () => {
    const store = new FakeStore();
    const { h } = await start(store);
    expect(await h.healthCheck('')).toEqual({ status: 'SERVING' });
    expect(await h.healthCheck('envoy.service.ratelimit.v3.RateLimitService')).toEqual({ status: 'SERVING' });
    store.isHealthy = false;
    expect(await h.healthCheck('')).toEqual({ status: 'NOT_SERVING' });
    await expect(h.healthCheck('other.Service')).rejects.toMatchObject({ code: GrpcStatus.NOT_FOUND });
  });
});

describe('quota table problems', () => {
  it('logs a table served without some quotas as a warning, and a failed reload as an error', async () => {
    const lines: { level: string; msg: string; error?: string }[] = [];
    const source = new QuotaSnapshotHolder();
    h = await startHarness(source, new FakeStore(), { now: () => NOW, log: jsonLogger((line) => lines.push(JSON.parse(line) as (typeof lines)[number])) });
    source.publish(snapshotFromTable(TABLE, 'kubernetes RateLimits', NOW));
    source.fail(new PartialQuotaTableError('RateLimits not served as written: auth/bad: spec.quota: must be greater than 0 (got 0) (not served)'));
    source.fail(new ConfigError('quotas.yaml', '', 'invalid YAML: unexpected end'));
    expect(lines.filter((l) => l.level !== 'info').map((l) => [l.level, l.msg, l.error])).toEqual([
      ['warn', 'quota table loaded without some quotas; the others are served', 'RateLimits not served as written: auth/bad: spec.quota: must be greater than 0 (got 0) (not served)'],
      ['error', 'quota table reload failed; keeping the last good table', 'quotas.yaml: invalid YAML: unexpected end'],
    ]);
    // The good quotas are served.
    expect((await h.call({ domain: 'switchyard', descriptors: [PAGE] })).overall_code).toBe('OK');
  });
});
