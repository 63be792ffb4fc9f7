// Polls a Router's live VirtualService and DestinationRule during a transition and checks "never a
// 503" at every observed moment: every subset the live VS routes or mirrors to exists in the live DR.
import { setTimeout as sleep } from 'node:timers/promises';
import { referencedSubsets } from '../../core/plan/referenced-subsets.ts';
import type { KubeClient } from '../../kube/kube-client.ts';
import { drSubsets, liveDestinationRule, liveVirtualService } from './switchyard-cluster.ts';

/** Several polls fit into one settle delay (100 ms), so every step of a transition is observed. */
export const POLL_MS = 20;

/** One moment of live state. */
export interface Observation {
  vsResourceVersion: string | undefined;
  drResourceVersion: string | undefined;
  /** Subsets the live VS references (sorted). */
  vsSubsets: string[];
  /** Subsets the live DR defines (sorted). */
  drSubsets: string[];
  /** Referenced subsets the DR lacks; non-empty means a proxy would answer 503. */
  missing: string[];
}

export interface InvariantWatch {
  /** Stops polling; resolves to every observation, in order. */
  stop(): Promise<Observation[]>;
}

/**
 * Starts polling. The VS is read before the DR: make-before-break writes the DR first when adding
 * and last when pruning, so this order can only under-report the DR for a moment by a full settle
 * delay, never hide a real violation.
 */
export function watchRoutingInvariant(client: KubeClient, namespace: string, name: string): InvariantWatch {
  const observations: Observation[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const vs = await liveVirtualService(client, namespace, name);
      const dr = await liveDestinationRule(client, namespace, name);
      const vsSubsets = vs ? referencedSubsets(vs) : [];
      const defined = drSubsets(dr);
      const missing = vsSubsets.filter((s) => !defined.includes(s));
      observations.push({ vsResourceVersion: vs?.metadata.resourceVersion, drResourceVersion: dr?.metadata.resourceVersion, vsSubsets, drSubsets: defined, missing });
      await sleep(POLL_MS);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return observations;
    },
  };
}

/** Observations where the invariant did not hold (expected: none). */
export function violations(observations: readonly Observation[]): Observation[] {
  return observations.filter((o) => o.missing.length > 0);
}

/** Index of the first observation satisfying `pred`, or -1. */
export function firstIndex(observations: readonly Observation[], pred: (o: Observation) => boolean): number {
  return observations.findIndex(pred);
}

/**
 * Runs `during` while polling the Router's live VS/DR; throws when any observation broke the
 * invariant, else returns what `during` returned and every observation.
 */
export async function guarded<T>(client: KubeClient, namespace: string, name: string, during: () => Promise<T>): Promise<{ value: T; observations: Observation[] }> {
  const watch = watchRoutingInvariant(client, namespace, name);
  let value: T;
  try {
    value = await during();
  } finally {
    await watch.stop();
  }
  const observations = await watch.stop();
  const bad = violations(observations);
  if (bad.length > 0) throw new Error(`routing invariant broken in ${bad.length} of ${observations.length} observations: ${JSON.stringify(bad[0])}`);
  return { value, observations };
}
