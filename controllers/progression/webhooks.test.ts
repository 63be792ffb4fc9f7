import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressionWebhook } from '../../api/progression.ts';
import { askGates, notify, type WebhookPayload } from './webhooks.ts';

const PAYLOAD: WebhookPayload = {
  type: 'gate',
  router: { namespace: 'shop', name: 'checkout' },
  phase: 'Progressing',
  step: 2,
  steps: 4,
  canaryWeight: 25,
  current: { v1: 75, v2: 25 },
  target: { v2: 100 },
  promoted: { v1: 100 },
};

/** A real HTTP server on port 0: `/ok` answers 200, `/no` 403, `/slow` never answers in time. */
let server: Server;
let base: string;
const received: { path: string; body: unknown }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) as unknown });
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
      res.writeHead(req.url === '/ok' ? 200 : 403).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const hook = (name: string, type: ProgressionWebhook['type'], path: string, timeout?: string): ProgressionWebhook => ({ name, type, url: `${base}${path}`, ...(timeout ? { timeout } : {}) });

describe('progression webhooks', () => {
  it('opens the gate when every gate answers 2xx, POSTing the documented payload', async () => {
    received.length = 0;
    expect(await askGates([hook('a', 'gate', '/ok'), hook('told', 'promoted', '/no')], PAYLOAD, AbortSignal.timeout(5_000))).toEqual({ open: true });
    expect(received).toEqual([{ path: '/ok', body: PAYLOAD }]);
  });

  it.each([
    ['a refusal', 'freeze', '/no', undefined, 'gate closed: webhook freeze answered 403'],
    ['a timeout', 'slow', '/slow', '200ms', 'gate closed: webhook slow failed: The operation was aborted due to timeout'],
  ])('keeps the gate closed on %s, naming the webhook', async (_case, name, path, timeout, message) => {
    expect(await askGates([hook('a', 'gate', '/ok'), hook(name, 'gate', path, timeout)], PAYLOAD, AbortSignal.timeout(5_000))).toEqual({ open: false, message });
  });

  it('tells only the webhooks of the event type, and returns the failures', async () => {
    received.length = 0;
    const hooks = [hook('chat', 'rolledBack', '/ok'), hook('pager', 'rolledBack', '/no'), hook('gate', 'gate', '/ok')];
    expect(await notify(hooks, { ...PAYLOAD, type: 'rolledBack' }, AbortSignal.timeout(5_000))).toEqual(['webhook pager answered 403']);
    expect(received.map((r) => r.path)).toEqual(['/ok', '/no']);
  });
});
