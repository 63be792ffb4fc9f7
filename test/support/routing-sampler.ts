import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../../kube/kube-client.ts';
import { DESTINATION_RULE, VIRTUAL_SERVICE, resourcePath } from '../../controllers/scheme.ts';
import type { DestinationRule, VirtualService } from '../../core/istio/types.ts';
import type { KubeObject } from '../../kube/types.ts';
import { referencedSubsets } from '../../core/plan/referenced-subsets.ts';

/** The brief's sampling period: well under a settle delay, so every step is seen at least once. */
export const SAMPLE_PERIOD_MS = 20;

/** One consistent observation of a Router's live VS and DR (either may be absent). */
export interface RoutingSample {
  at: number;
  virtualService?: LiveVirtualService;
  destinationRule?: LiveDestinationRule;
}

export type LiveVirtualService = VirtualService & Pick<KubeObject, 'metadata'>;
export type LiveDestinationRule = DestinationRule & Pick<KubeObject, 'metadata'>;

interface Waiter {
  what: string;
  matches: (s: RoutingSample) => boolean;
  resolve: (s: RoutingSample) => void;
}

/** The subsets a sample's VS routes to that its DR does not define; [] when the pair is safe. */
export function missingSubsets(sample: RoutingSample): string[] {
  if (!sample.virtualService) return [];
  const defined = new Set((sample.destinationRule?.spec.subsets ?? []).map((s) => s.name));
  return referencedSubsets(sample.virtualService).filter((s) => !defined.has(s));
}

/**
 * Polls one VS/DR pair every SAMPLE_PERIOD_MS and checks at every sample that each subset the
 * live VS references exists in the live DR (Istio answers 503 otherwise).
 *
 * A sample is consistent: VS, then DR, then VS again, kept only when the VS did not change in
 * between — so the DR read happened while that very VS was live, and a violation is a real state
 * of the cluster, not an artefact of reading two objects at different moments.
 */
export class RoutingSampler {
  readonly violations: string[] = [];
  readonly errors: string[] = [];
  samples = 0;
  latest: RoutingSample | undefined;
  readonly #client: KubeClient;
  readonly #paths: { vs: string; dr: string };
  readonly #waiters = new Set<Waiter>();
  readonly #listeners: ((s: RoutingSample) => void)[] = [];
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(client: KubeClient, namespace: string, name: string) {
    this.#client = client;
    this.#paths = { vs: resourcePath(VIRTUAL_SERVICE, namespace, name), dr: resourcePath(DESTINATION_RULE, namespace, name) };
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  /** Calls `listener` with every sample from now on, before any waiter sees it. */
  onSample(listener: (s: RoutingSample) => void): void {
    this.#listeners.push(listener);
  }

  /** Resolves with the first sample (from now on) for which `matches` holds; rejects after `timeoutMs`. */
  waitFor(what: string, matches: (s: RoutingSample) => boolean, timeoutMs = 30_000): Promise<RoutingSample> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { what, matches, resolve };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last sample: ${JSON.stringify(this.latest)}`));
      }, timeoutMs);
      waiter.resolve = (s) => {
        clearTimeout(timer);
        resolve(s);
      };
      this.#waiters.add(waiter);
    });
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const started = Date.now();
      try {
        const sample = await this.#sample();
        if (sample) this.#record(sample);
      } catch (err) {
        this.errors.push(String(err));
      }
      await sleep(Math.max(0, SAMPLE_PERIOD_MS - (Date.now() - started)));
    }
  }

  async #sample(): Promise<RoutingSample | undefined> {
    const before = await this.#client.find<LiveVirtualService>(this.#paths.vs);
    const destinationRule = await this.#client.find<LiveDestinationRule>(this.#paths.dr);
    const after = await this.#client.find<LiveVirtualService>(this.#paths.vs);
    if (before?.metadata.resourceVersion !== after?.metadata.resourceVersion) return undefined;
    return { at: Date.now(), virtualService: after, destinationRule };
  }

  #record(sample: RoutingSample): void {
    this.samples += 1;
    this.latest = sample;
    const missing = missingSubsets(sample);
    if (missing.length > 0) {
      this.violations.push(`at ${new Date(sample.at).toISOString()} the VS routes to ${missing.join(', ')} but the DR defines only ${JSON.stringify(sample.destinationRule?.spec.subsets?.map((s) => s.name) ?? null)}`);
    }
    for (const listener of this.#listeners) listener(sample);
    for (const w of this.#waiters) {
      if (!w.matches(sample)) continue;
      this.#waiters.delete(w);
      w.resolve(sample);
    }
  }
}
