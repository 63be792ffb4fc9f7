import { setTimeout as sleep } from 'node:timers/promises';
import type { VirtualService } from '../../core/istio/types.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../core/istio/types.ts';
import { Informer } from '../../kube/informer.ts';
import { VIRTUAL_SERVICE } from '../../controllers/scheme.ts';
import type { KubeClient } from '../../kube/kube-client.ts';
import { silentLogger } from '../../kube/logger.ts';
import { applyAsUser, benchRouter, type FleetMember } from './bench-fleet.ts';
import { changedKeys, fleetState, metricSum, resourceVersions, routeWeights, scrapeMetrics, type FleetState } from './bench-observe.ts';

/** Listing 2,000 Routers plus their VS/DR takes ~100 ms; four looks a second bound the cold-sync error. */
const SYNC_POLL_MS = 250;
/** Queue empty and no reconcile for this long counts as idle. */
const QUIET_MS = 2_000;
const METRICS_POLL_MS = 500;

/** Polls until every Router is Ready with its filter layered into its VS and its DR exists; resolves at that moment (performance.now()). */
export async function waitFleetSynced(client: KubeClient, count: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let state: FleetState | undefined;
  for (;;) {
    // A fresh API server answers 429 while a CRD's storage initialises: not a reason to stop.
    state = await fleetState(client).catch(() => state);
    const now = performance.now();
    if (state && state.readyRouters === count && state.filteredVirtualServices === count && state.destinationRules === count) return now;
    if (now > deadline) throw new Error(`fleet not synced after ${timeoutMs} ms: ${JSON.stringify(state)} of ${count}`);
    await sleep(SYNC_POLL_MS);
  }
}

/** Scrapes until the controller's queues are empty and no reconcile ran for QUIET_MS; returns the last scrape. */
async function quiescent(port: number): Promise<string> {
  let previous = '';
  for (;;) {
    const text = await scrapeMetrics(port);
    const fingerprint = `${metricSum(text, 'switchyard_queue_depth')}/${metricSum(text, 'switchyard_reconcile_total')}`;
    if (metricSum(text, 'switchyard_queue_depth') === 0 && fingerprint === previous) return text;
    previous = fingerprint;
    await sleep(QUIET_MS);
  }
}

export interface IdleResync {
  /** Objects (Router, IstioFilter, VS, DR) whose resourceVersion changed: every write changes one. */
  changed: string[];
  applies: { created: number; updated: number; unchanged: number };
  reconciles: { router: number; istiofilter: number };
}

/**
 * Once the controller is idle, snapshots every resourceVersion, waits until at least one full
 * periodic resync of both controllers has run (`count` reconciles each) and the controller is
 * idle again, and reports what changed.
 */
export async function idleResync(client: KubeClient, port: number, count: number, timeoutMs: number): Promise<IdleResync> {
  await quiescent(port);
  const versions = await resourceVersions(client);
  const before = await scrapeMetrics(port);
  const reconciles = (text: string, controller: string) => metricSum(text, 'switchyard_reconcile_total', { controller });
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const now = await scrapeMetrics(port);
    if (reconciles(now, 'router') - reconciles(before, 'router') >= count && reconciles(now, 'istiofilter') - reconciles(before, 'istiofilter') >= count) break;
    if (performance.now() > deadline) throw new Error(`no full resync within ${timeoutMs} ms`);
    await sleep(METRICS_POLL_MS);
  }
  const after = await quiescent(port);
  const delta = (outcome: string) => metricSum(after, 'switchyard_apply_total', { outcome }) - metricSum(before, 'switchyard_apply_total', { outcome });
  return {
    changed: changedKeys(versions, await resourceVersions(client)),
    applies: { created: delta('created'), updated: delta('updated'), unchanged: delta('unchanged') },
    reconciles: { router: reconciles(after, 'router') - reconciles(before, 'router'), istiofilter: reconciles(after, 'istiofilter') - reconciles(before, 'istiofilter') },
  };
}

/**
 * Edits the weights of `members` one after another and measures, for each, the time from sending
 * the edit to the watch event of its VS carrying the new weights (ms).
 */
export async function editLatencies(client: KubeClient, members: FleetMember[], timeoutMs: number): Promise<number[]> {
  const waiting = new Map<string, { weights: string; resolve: (at: number) => void }>();
  const informer = new Informer({ client, kind: VIRTUAL_SERVICE, labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`, log: silentLogger });
  informer.on((_type, obj) => {
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    const w = waiting.get(key);
    if (w && routeWeights(obj as unknown as VirtualService) === w.weights) {
      waiting.delete(key);
      w.resolve(performance.now());
    }
  });
  informer.start();
  await informer.waitForSync();
  const latencies: number[] = [];
  try {
    for (const [i, m] of members.entries()) {
      const versions = i % 2 === 0 ? { v1: 80, v2: 20 } : { v1: 70, v2: 30 };
      const seen = new Promise<number>((resolve, reject) => {
        waiting.set(`${m.namespace}/${m.name}`, { weights: `${versions.v1},${versions.v2}`, resolve });
        setTimeout(() => reject(new Error(`VS ${m.namespace}/${m.name} not written within ${timeoutMs} ms of its edit`)), timeoutMs).unref();
      });
      const sent = performance.now();
      await applyAsUser(client, benchRouter(m, versions));
      latencies.push((await seen) - sent);
    }
  } finally {
    await informer.stop();
  }
  return latencies;
}
