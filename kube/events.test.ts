import { describe, expect, it } from 'vitest';
import { EVENT_BURST, EVENT_DEDUPE_WINDOW_MS, EventRecorder } from './events.ts';
import { silentLogger } from './logger.ts';
import type { KubeObject } from './types.ts';

const router: KubeObject = { apiVersion: 'switchyard.io/v1alpha1', kind: 'Router', metadata: { name: 'web', namespace: 'shop', uid: 'u1' } };

function recorder(now: { t: number }) {
  const calls: { method: string; path: string; body: Record<string, unknown> }[] = [];
  const dropped: string[] = [];
  const client = {
    request: async (method: string, path: string, opts?: { body?: unknown }) => {
      calls.push({ method, path, body: opts?.body as Record<string, unknown> });
      return {} as never;
    },
  };
  const rec = new EventRecorder({ client, log: silentLogger, now: () => new Date(now.t), onDropped: (why) => dropped.push(why) });
  return { rec, calls, dropped };
}

describe('EventRecorder', () => {
  it('creates an Event, then bumps its count for a repeat within the window', async () => {
    const now = { t: Date.parse('2025-01-01T00:00:00Z') };
    const { rec, calls } = recorder(now);
    rec.record(router, 'Normal', 'Applied', 'DestinationRule web: union of subsets');
    await rec.flush();
    now.t += 1000;
    rec.record(router, 'Normal', 'Applied', 'DestinationRule web: union of subsets');
    await rec.flush();
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /api/v1/namespaces/shop/events',
      `PATCH /api/v1/namespaces/shop/events/${String((calls[0]?.body.metadata as { name: string }).name)}`,
    ]);
    expect(calls[0]?.body).toMatchObject({ type: 'Normal', reason: 'Applied', count: 1, involvedObject: { kind: 'Router', name: 'web', uid: 'u1' } });
    expect(calls[1]?.body).toEqual({ count: 2, lastTimestamp: '2025-01-01T00:00:01.000Z' });
  });

  it('creates a new Event after the dedupe window or for another message', async () => {
    const now = { t: 0 };
    const { rec, calls } = recorder(now);
    rec.record(router, 'Normal', 'Applied', 'a');
    rec.record(router, 'Normal', 'Applied', 'b');
    await rec.flush();
    now.t += EVENT_DEDUPE_WINDOW_MS;
    rec.record(router, 'Normal', 'Applied', 'a');
    await rec.flush();
    expect(calls.map((c) => c.method)).toEqual(['POST', 'POST', 'POST']);
  });

  it('drops events beyond the burst and never throws on write errors', async () => {
    const now = { t: 0 };
    const { rec, calls, dropped } = recorder(now);
    for (let i = 0; i < EVENT_BURST + 3; i++) rec.record(router, 'Warning', 'Flap', `m${i}`);
    await rec.flush();
    expect(calls).toHaveLength(EVENT_BURST);
    expect(dropped).toEqual(['rate', 'rate', 'rate']);
    const failing = new EventRecorder({ client: { request: () => Promise.reject(new Error('down')) }, log: silentLogger, onDropped: (w) => dropped.push(w) });
    failing.record(router, 'Normal', 'x', 'y');
    await failing.flush();
    expect(dropped.at(-1)).toBe('error');
  });
});
