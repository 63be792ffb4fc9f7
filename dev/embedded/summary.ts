import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../../kube/kube-client.ts';
import type { KubeObject } from '../../kube/types.ts';

interface Listed {
  items: (KubeObject & { status?: Record<string, unknown> })[];
}

const POLL_MS = 500;

async function list(client: KubeClient, path: string): Promise<Listed['items']> {
  return (await client.get<Listed>(path)).items;
}

const settledObject = (o: Listed['items'][number]): boolean =>
  o.status?.observedGeneration === o.metadata.generation && o.status?.phase === 'Ready';

/** Waits until every Router and RateLimit reports Ready for its current generation. */
export async function waitForSettled(client: KubeClient, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const routers = await list(client, '/apis/switchyard.io/v1alpha1/routers');
    const limits = await list(client, '/apis/switchyard.io/v1alpha1/ratelimits');
    if ([...routers, ...limits].every(settledObject)) return true;
    await sleep(POLL_MS);
  }
  return false;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

const s = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const nsName = (o: KubeObject): string => `${o.metadata.namespace}/${o.metadata.name}`;

export interface Where {
  kubeconfig: string;
  metricsPort: number | undefined;
  rlsGrpcPort: number;
  rlsHttpPort: number;
  logDir: string;
}

/** Prints what the controllers did and where to look next. */
export async function printSummary(client: KubeClient, where: Where): Promise<void> {
  const routers = await list(client, '/apis/switchyard.io/v1alpha1/routers');
  const filters = await list(client, '/apis/switchyard.io/v1alpha1/istiofilters');
  const limits = await list(client, '/apis/switchyard.io/v1alpha1/ratelimits');
  const vs = await list(client, '/apis/networking.istio.io/v1/virtualservices');
  const dr = await list(client, '/apis/networking.istio.io/v1/destinationrules');
  const ef = await list(client, '/apis/networking.istio.io/v1alpha3/envoyfilters');
  console.log('\nRouters');
  console.log(table([['ROUTER', 'PHASE', 'WEIGHTS', 'SANDBOXES'], ...routers.map((r) => [nsName(r), s(r.status?.phase), s(r.status?.weights), s(r.status?.sandboxes)])]));
  console.log('\nIstioFilters');
  console.log(table([['FILTER', 'PHASE', 'POSITION', 'MESSAGE'], ...filters.map((f) => [nsName(f), s(f.status?.phase), `${s(f.status?.position)}/${s(f.status?.chainLength)}`, s(f.status?.message)])]));
  console.log('\nRateLimits');
  console.log(table([['RATELIMIT', 'PHASE', 'DESCRIPTOR'], ...limits.map((l) => [nsName(l), s(l.status?.phase), s(l.status?.descriptorKey)])]));
  console.log(`\nGenerated: ${vs.length} VirtualService(s), ${dr.length} DestinationRule(s), ${ef.length} EnvoyFilter(s)`);
  console.log(`\nLook around:
  export KUBECONFIG=${where.kubeconfig}
  kubectl get routers,istiofilters,ratelimits -A
  kubectl get virtualservices,destinationrules,envoyfilters -A -o yaml
  npx kubectl-switchyard get router reviews -n bookinfo      (the plugin; also explain, plan, analyze -A)
  npx kubectl-switchyard dashboard -A --ratelimit-metrics http://127.0.0.1:${where.rlsHttpPort}/metrics
  controller metrics   http://127.0.0.1:${s(where.metricsPort)}/metrics
  rate-limit service   grpc 127.0.0.1:${where.rlsGrpcPort}, quotas http://127.0.0.1:${where.rlsHttpPort}/debug/quotas
  process logs         ${where.logDir}`);
}
