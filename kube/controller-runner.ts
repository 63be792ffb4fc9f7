import { randomBytes } from 'node:crypto';
import type { Applier } from './apply.ts';
import type { EventRecorder } from './events.ts';
import { KeyedQueue, type Decision, type RunOutcome } from './keyed-queue.ts';
import { keyString, parseKey } from './kinds.ts';
import type { KubeClient } from './kube-client.ts';
import type { RuntimeMetrics } from './runtime-metrics.ts';
import { sleep } from './sleep.ts';
import { writeStatus } from './status.ts';
import type { Cache, ControllerSpec, KindRef, KubeObject, Logger, ObjectKey, ReconcileContext } from './types.ts';

export interface RunnerDeps {
  client: KubeClient;
  cache: Cache;
  applier: Applier;
  events: EventRecorder;
  metrics: RuntimeMetrics;
  log: Logger;
}

/**
 * One controller while this process leads: its keyed queue, and a fresh ReconcileContext (id,
 * logger, abort signal) for every reconcile. Stopped for good by `stop()`; a new leadership term
 * builds a new runner.
 */
export class ControllerRunner {
  readonly spec: ControllerSpec;
  readonly #deps: RunnerDeps;
  readonly #queue: KeyedQueue;
  readonly #abort = new AbortController();

  constructor(spec: ControllerSpec, deps: RunnerDeps) {
    this.spec = spec;
    this.#deps = deps;
    this.#queue = new KeyedQueue((key) => this.#reconcile(parseKey(key)), {
      concurrency: spec.concurrency ?? 1,
      onSettled: (key, outcome, decision) => this.#settled(key, outcome, decision),
    });
  }

  get depth(): number {
    return this.#queue.depth;
  }

  enqueue(key: ObjectKey): void {
    this.#queue.add(keyString(key));
  }

  /** Enqueues every cached primary object (start of a leadership term, periodic resync). */
  enqueueAllPrimaries(): void {
    for (const obj of this.#deps.cache.list(this.spec.primary)) this.enqueue(keyOfObject(obj));
  }

  /** Aborts in-flight reconciles' signal, drops waiting keys, waits for runs in flight up to `timeoutMs`. */
  async stop(timeoutMs: number): Promise<boolean> {
    this.#abort.abort();
    const done = this.#queue.shutdown().then(() => true);
    // The timeout's timer is cleared once the race is decided: left pending, it kept the process
    // alive for the whole timeout after a prompt, clean shutdown.
    const timeout = new AbortController();
    const finished = await Promise.race([done, sleep(timeoutMs, timeout.signal).then(() => false)]);
    timeout.abort();
    return finished;
  }

  #context(key: ObjectKey, id: string): ReconcileContext {
    const { applier, cache, client, events, metrics } = this.#deps;
    const controller = this.spec.name;
    const signal = this.#abort.signal;
    return {
      cache,
      apply: (obj, opts) => applier.apply(obj, opts),
      live: async <T extends KubeObject = KubeObject>(kind: KindRef, k: ObjectKey) => (await applier.live(kind, k)) as T | undefined,
      delete: (kind, k) => applier.delete(kind, k),
      updateStatus: async (kind, k, status) => {
        await writeStatus({ client, cache }, kind, k, status);
      },
      event: (obj, type, reason, message) => events.record(obj, type, reason, message),
      log: this.#deps.log.child({ controller, namespace: key.namespace, name: key.name, reconcileId: id }),
      now: () => new Date(),
      sleep: async (ms) => {
        const started = performance.now();
        const slept = await sleep(ms, signal);
        metrics.waitDuration.observe({ controller }, (performance.now() - started) / 1000);
        return slept;
      },
      signal,
    };
  }

  async #reconcile(key: ObjectKey): Promise<RunOutcome> {
    const id = randomBytes(4).toString('hex');
    const ctx = this.#context(key, id);
    const started = performance.now();
    try {
      return await this.spec.reconcile(key, ctx);
    } catch (error) {
      ctx.log.warn('reconcile failed', { error });
      return { kind: 'error', error };
    } finally {
      this.#deps.metrics.reconcileDuration.observe({ controller: this.spec.name }, (performance.now() - started) / 1000);
    }
  }

  #settled(key: string, outcome: RunOutcome, decision: Decision): void {
    const controller = this.spec.name;
    const result = outcome.kind === 'requeueAfter' ? 'requeue' : outcome.kind;
    this.#deps.metrics.reconcileTotal.inc({ controller, result });
    if (outcome.kind === 'error') this.#deps.metrics.reconcileErrors.inc({ controller });
    if (decision.action === 'stop') this.#deps.log.warn('reconcile stopped until the object changes', { controller, key, reason: decision.reason });
    else if (decision.action === 'retry') this.#deps.log.debug('reconcile retry scheduled', { controller, key, afterMs: decision.afterMs, failures: decision.failures });
  }
}

export function keyOfObject(obj: KubeObject): ObjectKey {
  return { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name };
}
