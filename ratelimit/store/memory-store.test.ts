import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.ts';
import { NOW, codes, hitOf, quota } from './store-fixture.test-support.ts';

const DEADLINE_MS = 15;

describe('MemoryStore', () => {
  it('admits exactly min(N, Q) of N concurrent hits, each seeing its own position', async () => {
    const store = new MemoryStore();
    const entry = quota();
    const results = (await Promise.all(Array.from({ length: 500 }, () => store.hit([hitOf(entry)], NOW + 250, DEADLINE_MS)))).flat();
    expect(codes(results)).toEqual({ OK: 137, OVER_LIMIT: 363 });
    expect(results.slice(0, 3).map((r) => r.remaining)).toEqual([136, 135, 134]);
    expect(results[136]).toEqual({ code: 'OK', limit: 137, remaining: 0, resetMs: 750, nearLimit: true });
    expect(results[137]).toEqual({ code: 'OVER_LIMIT', limit: 137, remaining: 0, resetMs: 750, nearLimit: false });
  });

  it('starts counting again at the next epoch-aligned window', async () => {
    const store = new MemoryStore();
    const entry = quota({ requestsPerUnit: 2 });
    const at = async (now: number): Promise<string> => (await store.hit([hitOf(entry)], now, DEADLINE_MS))[0]?.code ?? '';
    expect([await at(NOW + 998), await at(NOW + 999), await at(NOW + 999), await at(NOW + 1_000), await at(NOW + 1_001), await at(NOW + 1_002)]).toEqual([
      'OK', 'OK', 'OVER_LIMIT', 'OK', 'OK', 'OVER_LIMIT',
    ]);
  });

  it.each<[string, boolean, string[]]>([
    ['does not count rejected hits by default', true, ['OK', 'OVER_LIMIT', 'OK']],
    ['counts every hit like the reference when told to', false, ['OK', 'OVER_LIMIT', 'OVER_LIMIT']],
  ])('%s', async (_what, stopCountingOverLimit, expected) => {
    const store = new MemoryStore({ stopCountingOverLimit });
    const entry = quota({ requestsPerUnit: 3 });
    const got = [];
    for (const hits of [2, 2, 1]) got.push((await store.hit([hitOf(entry, hits)], NOW, DEADLINE_MS))[0]?.code);
    expect(got).toEqual(expected);
  });

  it('applies the limit override and counts each descriptor of a request on its own', async () => {
    const store = new MemoryStore();
    const a = quota({ requestsPerUnit: 1 });
    const b = quota({ id: 'x/b', entries: [{ key: 'switchyard_ratelimit', value: 'x.b' }], requestsPerUnit: 1 });
    const override = hitOf(a, 1, { limitOverride: { requestsPerUnit: 5, unit: 'MINUTE' } });
    const results = await store.hit([hitOf(a), hitOf(b), override], NOW + 20_000, DEADLINE_MS);
    expect(results.map((r) => [r.code, r.limit, r.remaining, r.resetMs])).toEqual([
      ['OK', 1, 0, 1_000],
      ['OK', 1, 0, 1_000],
      ['OK', 5, 4, 20_000],
    ]);
  });

  it('admits exactly the bucket size from a token bucket, then one per emission interval', async () => {
    const store = new MemoryStore();
    const entry = quota({ algorithm: 'tokenBucket', unit: 'MINUTE' });
    const burst = (await Promise.all(Array.from({ length: 500 }, () => store.hit([hitOf(entry)], NOW, DEADLINE_MS)))).flat();
    expect(codes(burst)).toEqual({ OK: 137, OVER_LIMIT: 363 });
    // 60000 / 137 = 437.96 ms per token.
    expect((await store.hit([hitOf(entry)], NOW + 437, DEADLINE_MS))[0]?.code).toBe('OVER_LIMIT');
    expect((await store.hit([hitOf(entry)], NOW + 438, DEADLINE_MS))[0]?.code).toBe('OK');
  });

  it('forgets windows that are over (bounded memory)', async () => {
    const store = new MemoryStore();
    for (let i = 0; i < 50; i++) await store.hit([hitOf(quota({ entries: [{ key: 'k', value: String(i) }] }))], NOW + i * 10, DEADLINE_MS);
    expect(store.size).toBe(50);
    await store.hit([hitOf(quota())], NOW + 5_000, DEADLINE_MS);
    expect(store.size).toBe(1);
  });

  it('holds at most maxCounters: makes room by dropping expired counters first', async () => {
    const store = new MemoryStore({ maxCounters: 4 });
    const at = (value: string, now: number, changes = {}) => store.hit([hitOf(quota({ requestsPerUnit: 1_000, entries: [{ key: 'k', value }], ...changes }))], now, DEADLINE_MS);
    // Token buckets of 1,000/s are full again 1 ms after one hit; the windows live for the second.
    await at('a', NOW, { algorithm: 'tokenBucket' });
    await at('b', NOW, { algorithm: 'tokenBucket' });
    await at('c', NOW);
    await at('d', NOW);
    await at('e', NOW + 10);
    expect([store.size, store.evictions()]).toEqual([3, 0]);
  });

  it('holds at most maxCounters: then drops the oldest live counter, which starts again from zero', async () => {
    const store = new MemoryStore({ maxCounters: 4 });
    const at = async (value: string) => (await store.hit([hitOf(quota({ requestsPerUnit: 1, unit: 'MINUTE', entries: [{ key: 'k', value }] }))], NOW, DEADLINE_MS))[0]?.code;
    expect([await at('a'), await at('b'), await at('c'), await at('d'), await at('e')]).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
    expect([store.size, store.evictions()]).toEqual([4, 1]);
    // 'a' was the oldest and is gone: it admits again (the documented cost); 'b' is still counted.
    expect([await at('b'), await at('a')]).toEqual(['OVER_LIMIT', 'OK']);
    expect([store.size, store.evictions()]).toEqual([4, 2]);
  });

  it('rejects hits that are not a non-negative integer, naming the field', async () => {
    await expect(new MemoryStore().hit([hitOf(quota(), -1)], NOW, DEADLINE_MS)).rejects.toThrow('hits: must be a non-negative integer (got -1)');
  });
});
