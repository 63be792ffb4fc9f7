import { API_VERSION } from '../../api/meta.ts';
import type { Router, RouterSubset } from '../../api/router.ts';
import type { IstioFilter } from '../../api/istio-filter.ts';
import { applyObject } from '../../kube/apply-as-user.ts';
import type { KubeClient } from '../../kube/kube-client.ts';
import type { KubeObject } from '../../kube/types.ts';

/** Field manager of the objects the benchmark writes as the user. */
export const BENCH_FIELD_MANAGER = 'switchyard-bench';
/** The request timeout every Router's IstioFilter layers onto its VS (how the bench sees it applied). */
export const BENCH_TIMEOUT = '3s';
export const INITIAL_VERSIONS: NonNullable<RouterSubset['versions']> = { v1: 90, v2: 10 };

/** One Router of the fleet: `<namespace>/svc-<index>`. */
export interface FleetMember {
  namespace: string;
  name: string;
}

/** `count` Routers spread round-robin over `namespaces` namespaces named `bench-<n>`. */
export function fleet(count: number, namespaces: number): FleetMember[] {
  return Array.from({ length: count }, (_, i) => ({ namespace: `bench-${i % namespaces}`, name: `svc-${String(i).padStart(4, '0')}` }));
}

/** A two-version canary Router on port 8080. */
export function benchRouter(m: FleetMember, versions = INITIAL_VERSIONS): Router {
  return { apiVersion: API_VERSION, kind: 'Router', metadata: { name: m.name, namespace: m.namespace }, spec: { port: 8080, subsets: [{ branch: 'main', versions }] } };
}

/** The one IstioFilter of a Router: a request timeout. */
export function benchFilter(m: FleetMember): IstioFilter {
  return {
    apiVersion: API_VERSION,
    kind: 'IstioFilter',
    metadata: { name: `${m.name}-timeout`, namespace: m.namespace },
    spec: { target: { router: m.name }, patches: [{ timeout: BENCH_TIMEOUT }] },
  };
}

/** Server-side applies one Router or IstioFilter as the bench's field manager. */
export async function applyAsUser(client: KubeClient, obj: Router | IstioFilter): Promise<void> {
  await applyObject(client, obj as KubeObject, BENCH_FIELD_MANAGER);
}

/** Creates the namespaces (idempotent). */
export async function createNamespaces(client: KubeClient, names: string[]): Promise<void> {
  for (const name of names) await applyObject(client, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, BENCH_FIELD_MANAGER);
}

/** Runs `work` over `items` with at most `parallelism` calls in flight; rejects on the first failure. */
export async function forEachParallel<T>(items: readonly T[], parallelism: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, items.length) }, worker));
}
