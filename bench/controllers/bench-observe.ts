import { readFileSync } from 'node:fs';
import type { Router } from '../../api/router.ts';
import type { VirtualService } from '../../core/istio/types.ts';
import { DESTINATION_RULE, ISTIO_FILTER, ROUTER, VIRTUAL_SERVICE, resourcePath } from '../../controllers/scheme.ts';
import type { KubeClient } from '../../kube/kube-client.ts';
import type { KindRef, KubeObject } from '../../kube/types.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../core/istio/types.ts';
import { BENCH_TIMEOUT } from './bench-fleet.ts';

/** Objects of one kind in every namespace (generated kinds: only Switchyard's). */
export async function listAll<T extends KubeObject = KubeObject>(client: KubeClient, kind: KindRef): Promise<T[]> {
  const managed = kind === VIRTUAL_SERVICE || kind === DESTINATION_RULE;
  const query = managed ? { labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}` } : undefined;
  const list = await client.get<{ items: T[] }>(resourcePath(kind), { query });
  return list.items;
}

/** Progress of the fleet towards "synced": Routers Ready for their generation, VS with the filter layered, DRs. */
export interface FleetState {
  readyRouters: number;
  filteredVirtualServices: number;
  destinationRules: number;
}

export async function fleetState(client: KubeClient): Promise<FleetState> {
  const [routers, vss, drs] = await Promise.all([
    listAll<KubeObject & Router>(client, ROUTER),
    listAll<KubeObject & VirtualService>(client, VIRTUAL_SERVICE),
    listAll(client, DESTINATION_RULE),
  ]);
  return {
    readyRouters: routers.filter((r) => r.status?.phase === 'Ready' && r.status.observedGeneration === r.metadata.generation).length,
    filteredVirtualServices: vss.filter((vs) => vs.spec.http?.some((route) => route.timeout === BENCH_TIMEOUT)).length,
    destinationRules: drs.length,
  };
}

/** `kind namespace/name` → resourceVersion of every Router, IstioFilter, VS and DR: any write changes one. */
export async function resourceVersions(client: KubeClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const kind of [ROUTER, ISTIO_FILTER, VIRTUAL_SERVICE, DESTINATION_RULE]) {
    for (const o of await listAll(client, kind)) out.set(`${kind.kind} ${o.metadata.namespace}/${o.metadata.name}`, o.metadata.resourceVersion ?? '');
  }
  return out;
}

/** Keys whose resourceVersion differs between two snapshots (or that appear in only one). */
export function changedKeys(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

/** The controller's Prometheus text from its /metrics endpoint. */
export async function scrapeMetrics(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics on port ${port}: HTTP ${res.status}`);
  return res.text();
}

/** Sum of the samples of metric `name` whose labels include every pair of `labels`. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** Peak resident set size (VmHWM) of a live process in MiB, from /proc. */
export function peakRssMiB(pid: number): number {
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m?.[1]) throw new Error(`/proc/${pid}/status has no VmHWM line`);
  return Number(m[1]) / 1024;
}

/** The default branch's route weights of a VS, e.g. `90,10` (the last http route carries them). */
export function routeWeights(vs: VirtualService): string {
  const route = vs.spec.http?.at(-1)?.route ?? [];
  return route.map((d) => d.weight ?? 100).join(',');
}
