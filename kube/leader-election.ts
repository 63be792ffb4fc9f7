import { HttpMethod } from '@kubernetes/client-node';
import { LEASE, resourcePath } from './kinds.ts';
import { CONTENT_TYPE, isConflict, isNotFound, type KubeClient } from './kube-client.ts';
import { sleep } from './sleep.ts';
import type { Logger } from './types.ts';

/** A standby takes over at most this long after the leader's last renewal (client-go's default). */
export const LEASE_DURATION_MS = 15_000;
/** The leader gives up if it could not renew for this long: before the lease expires, so two never lead. */
export const RENEW_DEADLINE_MS = 10_000;
/** Attempt interval: several renew attempts fit in the renew deadline. */
export const RETRY_PERIOD_MS = 2_000;

interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string; annotations?: Record<string, string> };
  spec: { holderIdentity?: string | null; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  /** Unique per process (pod name + random suffix). */
  identity: string;
  log: Logger;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  /**
   * Annotations the holder keeps on the Lease (set on every acquire and renew), so readers of the
   * Lease can see how the leading process is configured. Never secrets: Leases are widely readable.
   */
  annotations?: Record<string, string>;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease with optimistic concurrency (every write carries
 * the resourceVersion it read). Expiry is judged by this process's own clock from when it last saw
 * the lease change, never by comparing its clock with the holder's renewTime (clock skew).
 */
export class LeaderElector {
  readonly #o: Required<Omit<LeaderElectionOptions, 'onStartedLeading' | 'onStoppedLeading' | 'annotations'>> & LeaderElectionOptions;
  readonly #stop = new AbortController();
  #leading = false;
  #observed: { record: string; at: number } | undefined;
  #lease: Lease | undefined;
  #loop: Promise<void> | undefined;

  constructor(opts: LeaderElectionOptions) {
    this.#o = { leaseDurationMs: LEASE_DURATION_MS, renewDeadlineMs: RENEW_DEADLINE_MS, retryPeriodMs: RETRY_PERIOD_MS, ...opts };
  }

  get leading(): boolean {
    return this.#leading;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops campaigning; when leading and `release`, clears the holder so a standby takes over at once. */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    if (this.#leading && opts.release) await this.#release();
    this.#setLeading(false);
  }

  async #run(): Promise<void> {
    let lastRenew = 0;
    while (!this.#stop.signal.aborted) {
      const ok = await this.#tryAcquireOrRenew().catch((err: unknown) => {
        this.#o.log.warn('lease acquire/renew failed', { lease: this.#o.name, error: err });
        return false;
      });
      if (this.#stop.signal.aborted) return;
      const now = Date.now();
      if (ok) lastRenew = now;
      if (ok && !this.#leading) this.#setLeading(true);
      else if (this.#leading && now - lastRenew > this.#o.renewDeadlineMs) {
        this.#o.log.error('lost leadership: could not renew the lease within the renew deadline', { lease: this.#o.name });
        this.#setLeading(false);
      }
      await sleep(this.#o.retryPeriodMs, this.#stop.signal);
    }
  }

  #setLeading(leading: boolean): void {
    if (this.#leading === leading) return;
    this.#leading = leading;
    this.#o.log.info(leading ? 'started leading' : 'stopped leading', { lease: this.#o.name, identity: this.#o.identity });
    if (leading) this.#o.onStartedLeading();
    else this.#o.onStoppedLeading();
  }

  #path(name?: string): string {
    return resourcePath(LEASE, this.#o.namespace, name);
  }

  /** One attempt; true when this process holds the lease afterwards. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const current = await this.#o.client.get<Lease>(this.#path(this.#o.name), { signal: this.#attemptSignal() }).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    const spec = { holderIdentity: this.#o.identity, leaseDurationSeconds: Math.ceil(this.#o.leaseDurationMs / 1000), renewTime: microTime(now) };
    if (!current) {
      const metadata = { name: this.#o.name, namespace: this.#o.namespace, ...(this.#o.annotations ? { annotations: this.#o.annotations } : {}) };
      const lease: Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata, spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 } };
      return this.#write(HttpMethod.POST, this.#path(), lease);
    }
    this.#observe(current);
    const holder = current.spec.holderIdentity;
    const mine = holder === this.#o.identity;
    const expired = !holder || (this.#observed !== undefined && Date.now() - this.#observed.at > this.#o.leaseDurationMs);
    if (!mine && !expired) return false;
    const transitions = (current.spec.leaseTransitions ?? 0) + (mine ? 0 : 1);
    const metadata = this.#o.annotations ? { ...current.metadata, annotations: { ...current.metadata.annotations, ...this.#o.annotations } } : current.metadata;
    const next: Lease = { ...current, metadata, spec: { ...current.spec, ...spec, acquireTime: mine ? current.spec.acquireTime : microTime(now), leaseTransitions: transitions } };
    return this.#write(HttpMethod.PUT, this.#path(this.#o.name), next);
  }

  /** Aborts on stop, and bounds each request by the retry period so a hung call cannot outlive the renew deadline. */
  #attemptSignal(): AbortSignal {
    return AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#o.retryPeriodMs)]);
  }

  /** Remembers when the lease record last changed, by our clock. */
  #observe(lease: Lease): void {
    const record = JSON.stringify(lease.spec);
    if (this.#observed?.record !== record) this.#observed = { record, at: Date.now() };
  }

  /** Create/update; a 409 means another candidate wrote first: not ours this round. */
  async #write(method: HttpMethod, path: string, lease: Lease, signal = this.#attemptSignal()): Promise<boolean> {
    try {
      this.#lease = await this.#o.client.request<Lease>(method, path, { body: lease, contentType: CONTENT_TYPE.json, signal });
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  async #release(): Promise<void> {
    const lease = this.#lease;
    if (!lease) return;
    const released: Lease = { ...lease, spec: { ...lease.spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime(new Date()) } };
    await this.#write(HttpMethod.PUT, this.#path(this.#o.name), released, AbortSignal.timeout(this.#o.retryPeriodMs)).catch((err: unknown) => {
      this.#o.log.warn('could not release the lease', { lease: this.#o.name, error: err });
    });
  }
}
