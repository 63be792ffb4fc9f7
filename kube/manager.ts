import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import { Applier } from './apply.ts';
import { InformerCache } from './cache.ts';
import { ControllerRunner, keyOfObject } from './controller-runner.ts';
import { EventRecorder } from './events.ts';
import { closeServer, serverPort, startHttpServer } from './http-server.ts';
import { Informer } from './informer.ts';
import { id, keyString, kindInfo } from './kinds.ts';
import { ownedSelector } from './ownership.ts';
import { KubeClient } from './kube-client.ts';
import { LeaderElector } from './leader-election.ts';
import { createLogger } from './logger.ts';
import { runtimeMetrics, type RuntimeMetrics } from './runtime-metrics.ts';
import type { Cache, ControllerSpec, KindRef, KubeObject, Logger, ObjectKey } from './types.ts';

/** Every primary is reconciled again this often: catches drift nobody told us about; cheap, as unchanged objects are not written. */
export const RESYNC_PERIOD_MS = 10 * 60_000;
/** In-flight reconciles get this long after SIGTERM; under Kubernetes' default 30 s grace period. */
export const SHUTDOWN_TIMEOUT_MS = 20_000;

export interface ManagerOptions {
  kubeConfig: KubeConfig;
  controllers: ControllerSpec[];
  /** Watch one namespace only; default all namespaces. */
  namespace?: string;
  /** Lease to campaign for; `false` runs the controllers at once (tests, single replica). */
  leaderElection: { namespace: string; name: string; identity?: string; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number; annotations?: Record<string, string> } | false;
  /** HTTP probes and metrics; omitted → no server. Port 0 picks a free port. */
  http?: { port: number; host?: string };
  log?: Logger;
  metrics?: RuntimeMetrics;
  resyncPeriodMs?: number;
  shutdownTimeoutMs?: number;
}

/**
 * Wires informers (always running, so a standby has warm caches), leader election, one
 * ControllerRunner per controller while leading, and the HTTP probes/metrics server.
 */
export class Manager {
  readonly cache = new InformerCache();
  readonly client: KubeClient;
  readonly metrics: RuntimeMetrics;
  readonly log: Logger;
  readonly #o: ManagerOptions;
  readonly #applier: Applier;
  readonly #events: EventRecorder;
  #elector: LeaderElector | undefined;
  #runners: ControllerRunner[] = [];
  #server: Server | undefined;
  #resync: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(opts: ManagerOptions) {
    this.#o = opts;
    this.client = new KubeClient(opts.kubeConfig);
    this.metrics = opts.metrics ?? runtimeMetrics();
    this.log = opts.log ?? createLogger();
    this.#applier = new Applier({ client: this.client, cache: this.cache, onApplied: (kind, outcome) => this.metrics.applyTotal.inc({ kind: kind.kind, outcome }) });
    this.#events = new EventRecorder({ client: this.client, log: this.log, onDropped: (reason) => this.metrics.eventsDropped.inc({ reason }) });
    for (const kind of watchedKinds(opts.controllers)) this.#addInformer(kind);
    this.metrics.onCollect(() => {
      for (const r of this.#runners) this.metrics.queueDepth.set({ controller: r.spec.name }, r.depth);
      this.metrics.leader.set({}, this.leading ? 1 : 0);
    });
  }

  get leading(): boolean {
    return this.#runners.length > 0;
  }

  get synced(): boolean {
    return this.cache.synced;
  }

  /** The bound HTTP port (after start), e.g. when `http.port` was 0. */
  get httpPort(): number | undefined {
    return this.#server ? serverPort(this.#server) : undefined;
  }

  #addInformer(kind: KindRef): void {
    const labelSelector = kindInfo(kind).managedOnly ? ownedSelector() : undefined;
    const informer = new Informer({
      client: this.client,
      kind,
      namespace: this.#o.namespace,
      labelSelector,
      log: this.log,
      onRestart: () => this.metrics.informerRestarts.inc({ kind: kind.kind }),
    });
    // On an update the old object maps too: a filter retargeted from Router A to B must re-reconcile A.
    informer.on((_type, obj, old) => this.#route(kind, old ? [obj, old] : [obj]));
    this.cache.add(informer);
  }

  /** An event on `kind` enqueues the keys of every controller interested in it (only while leading). */
  #route(kind: KindRef, objects: KubeObject[]): void {
    // Before every cache has synced a reconcile could read a not-yet-listed DR as absent and plan
    // from that (e.g. prune subsets the live VS still uses). Events until then are covered by the
    // full enqueue #startLeading makes once synced; `synced` never turns false again.
    if (!this.cache.synced) return;
    for (const runner of this.#runners) for (const key of eventKeys(runner.spec, kind, objects, this.cache)) runner.enqueue(key);
  }

  /** Starts informers, the HTTP server and the campaign (or the controllers at once without election). */
  async start(): Promise<void> {
    for (const inf of this.cache.all()) inf.start();
    if (this.#o.http) {
      const probes = { healthy: () => !this.#stopping, ready: () => this.#readiness() };
      this.#server = await startHttpServer(this.#o.http.port, this.#o.http.host ?? '0.0.0.0', probes, this.metrics.registry);
    }
    const le = this.#o.leaderElection;
    if (le === false) return void this.#startLeading();
    const identity = le.identity ?? `${hostname()}-${randomBytes(3).toString('hex')}`;
    this.#elector = new LeaderElector({ ...le, identity, client: this.client, log: this.log, onStartedLeading: () => void this.#startLeading(), onStoppedLeading: () => void this.#stopLeading() });
    this.#elector.start();
  }

  #readiness(): { ready: boolean; detail: string } {
    if (this.#stopping) return { ready: false, detail: 'shutting down' };
    const pending = this.cache.all().filter((i) => !i.synced).map((i) => i.kind.kind);
    if (pending.length > 0) return { ready: false, detail: `informers not synced: ${pending.join(', ')}` };
    return { ready: true, detail: this.leading ? 'leader' : 'standby' };
  }

  async #startLeading(): Promise<void> {
    if (this.#stopping || this.leading) return;
    const deps = { client: this.client, cache: this.cache, applier: this.#applier, events: this.#events, metrics: this.metrics, log: this.log };
    const runners = this.#o.controllers.map((spec) => new ControllerRunner(spec, deps));
    this.#runners = runners;
    // Reconcile everything once caches are complete; until then a missing object could mean "delete".
    await Promise.all(this.cache.all().map((i) => i.waitForSync()));
    if (this.#runners !== runners) return;
    for (const r of runners) r.enqueueAllPrimaries();
    const period = this.#o.resyncPeriodMs ?? RESYNC_PERIOD_MS;
    this.#resync = setInterval(() => runners.forEach((r) => r.enqueueAllPrimaries()), period);
  }

  /** Stops the controllers (not the informers); in-flight reconciles see their signal abort. */
  async #stopLeading(): Promise<void> {
    const runners = this.#runners;
    this.#runners = [];
    clearInterval(this.#resync);
    const timeout = this.#o.shutdownTimeoutMs ?? SHUTDOWN_TIMEOUT_MS;
    const finished = await Promise.all(runners.map((r) => r.stop(timeout)));
    if (finished.includes(false)) this.log.warn('reconciles still running after the shutdown timeout', { timeoutMs: timeout });
  }

  /**
   * Graceful stop: controllers first (bounded by shutdownTimeoutMs), then the lease (released
   * unless `release: false`, which simulates a crash), the informers and the HTTP server.
   */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    await this.#stopLeading();
    await this.#elector?.stop({ release: opts.release ?? true });
    await Promise.all(this.cache.all().map((i) => i.stop()));
    await this.#events.flush();
    if (this.#server) await closeServer(this.#server);
  }
}

/**
 * The keys of `spec` that one event on `kind` concerns, each once: for every object given (the new
 * one, and on an update the old one too) its own key when `kind` is the primary, and the keys the
 * matching watches map it to.
 */
export function eventKeys(spec: ControllerSpec, kind: KindRef, objects: KubeObject[], cache: Cache): ObjectKey[] {
  const keys = new Map<string, ObjectKey>();
  const add = (key: ObjectKey) => keys.set(keyString(key), key);
  for (const obj of objects) {
    if (id(spec.primary) === id(kind)) add(keyOfObject(obj));
    for (const w of spec.watches) if (id(w.kind) === id(kind)) w.map(obj, cache).forEach(add);
  }
  return [...keys.values()];
}

/** Primary and watched kinds of all controllers, each once. */
export function watchedKinds(controllers: ControllerSpec[]): KindRef[] {
  const kinds = new Map<string, KindRef>();
  for (const c of controllers) for (const k of [c.primary, ...c.watches.map((w) => w.kind)]) kinds.set(id(k), k);
  return [...kinds.values()];
}

/** Stops `manager` gracefully on the first SIGTERM or SIGINT; resolves once it has stopped. */
export function stopOnSignals(manager: Manager): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      manager.log.info('shutting down', { signal });
      void manager.stop().then(() => resolve(signal));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
