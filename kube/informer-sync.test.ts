import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { Informer } from './informer.ts';
import { ROUTER } from '../controllers/scheme.ts';
import { KubeClient } from './kube-client.ts';
import { createLogger } from './logger.ts';

function unstartedInformer(): Informer {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new Informer({ client: new KubeClient(kc), kind: ROUTER, log: createLogger({ write: () => {} }) });
}

describe('Informer.waitForSync', () => {
  it('answers false at once for a signal that is already aborted (it would never fire again)', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await unstartedInformer().waitForSync(controller.signal)).toBe(false);
  });

  it('answers false when the signal aborts while waiting', async () => {
    const controller = new AbortController();
    const waiting = unstartedInformer().waitForSync(controller.signal);
    controller.abort();
    expect(await waiting).toBe(false);
  });
});
