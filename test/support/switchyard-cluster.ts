// A control plane with Switchyard's RBAC applied, and helpers that run the real controllers under
// the controller's least-privilege identity and read what they wrote back from the API server.
import { fileURLToPath } from 'node:url';
import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext } from '@kubernetes/client-node';
import { applyObject, applyObjects, readObjects } from '../../kube/apply-as-user.ts';
import type { DestinationRule, VirtualService } from '../../core/istio/types.ts';
import { filterController } from '../../controllers/filters/filter-controller.ts';
import { routerController } from '../../controllers/router/router-controller.ts';
import { DESTINATION_RULE, ISTIO_FILTER, RATE_LIMIT, ROUTER, VIRTUAL_SERVICE, resourcePath } from '../../controllers/scheme.ts';
import { CONTENT_TYPE, KubeClient, loadKubeConfig } from '../../kube/kube-client.ts';
import { silentLogger } from '../../kube/logger.ts';
import { Manager, type ManagerOptions } from '../../kube/manager.ts';
import type { KindRef, KubeObject } from '../../kube/types.ts';
import { rateLimitController } from '../../controllers/ratelimit/rate-limit-controller.ts';
import { startControlPlane, type ControlPlane } from '../../dev/control-plane.ts';
import { eventually } from './eventually.ts';

/** Short, so a three-step transition takes well under a second, yet several 20 ms polls see each step. */
export const SETTLE_MS = 100;
/** Field manager of the test's own writes, standing in for a user's `kubectl apply --server-side`. */
export const USER_FIELD_MANAGER = 'scenario-user';

export type LiveVirtualService = KubeObject & VirtualService;
export type LiveDestinationRule = KubeObject & DestinationRule;

export interface SwitchyardCluster {
  cp: ControlPlane;
  /** Admin client: the test's own reads and writes. */
  admin: KubeClient;
  /** A Manager running the Router, IstioFilter and RateLimit controllers as the controller identity. */
  controllers(overrides?: Partial<ManagerOptions>): Manager;
}

/**
 * Starts a control plane (with the garbage collector when asked), installs the CRDs and applies
 * deploy/rbac.yaml as admin, so controllers started with `controllers()` prove the RBAC suffices.
 */
export async function startSwitchyardCluster(opts: { withControllerManager?: boolean } = {}): Promise<SwitchyardCluster> {
  const cp = await startControlPlane({ installCrds: true, withControllerManager: opts.withControllerManager ?? false });
  const admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
  await applyObjects(admin, await readObjects([fileURLToPath(new URL('../../deploy/rbac.yaml', import.meta.url))]));
  const controllers = (overrides: Partial<ManagerOptions> = {}): Manager =>
    new Manager({
      kubeConfig: loadKubeConfig({ path: cp.controllerKubeconfigPath }),
      controllers: [routerController({ settleDelayMs: SETTLE_MS, timeoutMs: 10_000 }), filterController(), rateLimitController()],
      leaderElection: false,
      log: silentLogger,
      ...overrides,
    });
  return { cp, admin, controllers };
}

export async function createNamespace(admin: KubeClient, name: string): Promise<void> {
  await admin.request(HttpMethod.POST, '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, contentType: CONTENT_TYPE.json });
}

function kindOf(obj: KubeObject): KindRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind };
}

/** Server-side applies `obj` as the user (fields the user stops sending are removed). */
export function applyAsUser<T extends KubeObject>(admin: KubeClient, obj: T): Promise<T> {
  return applyObject(admin, obj, USER_FIELD_MANAGER);
}

export function createObject<T extends KubeObject>(admin: KubeClient, obj: T): Promise<T> {
  return admin.request<T>(HttpMethod.POST, resourcePath(kindOf(obj), obj.metadata.namespace), { body: obj, contentType: CONTENT_TYPE.json });
}

export async function deleteObject(admin: KubeClient, kind: KindRef, namespace: string, name: string): Promise<void> {
  await admin.request(HttpMethod.DELETE, resourcePath(kind, namespace, name));
}

export function liveVirtualService(admin: KubeClient, ns: string, name: string): Promise<LiveVirtualService | undefined> {
  return admin.find<LiveVirtualService>(resourcePath(VIRTUAL_SERVICE, ns, name));
}

export function liveDestinationRule(admin: KubeClient, ns: string, name: string): Promise<LiveDestinationRule | undefined> {
  return admin.find<LiveDestinationRule>(resourcePath(DESTINATION_RULE, ns, name));
}

export interface LiveCr extends KubeObject {
  status?: Record<string, unknown> & { phase?: string; observedGeneration?: number };
}

export function liveRouter(admin: KubeClient, ns: string, name: string): Promise<LiveCr | undefined> {
  return admin.find<LiveCr>(resourcePath(ROUTER, ns, name));
}

export function liveFilter(admin: KubeClient, ns: string, name: string): Promise<LiveCr | undefined> {
  return admin.find<LiveCr>(resourcePath(ISTIO_FILTER, ns, name));
}

export function liveRateLimit(admin: KubeClient, ns: string, name: string): Promise<LiveCr | undefined> {
  return admin.find<LiveCr>(resourcePath(RATE_LIMIT, ns, name));
}

/** Waits until the CR's status has observed its current generation and reports `phase`; returns it. */
export function eventuallyPhase(read: () => Promise<LiveCr | undefined>, phase: string, timeoutMs = 15_000): Promise<LiveCr> {
  return eventually(
    `phase ${phase} at the current generation`,
    async () => {
      const cr = await read();
      if (cr?.status?.phase !== phase || cr.status.observedGeneration !== cr.metadata.generation) return undefined;
      return cr;
    },
    timeoutMs,
  );
}

/** Subset names of a live DestinationRule, sorted. */
export function drSubsets(dr: LiveDestinationRule | undefined): string[] {
  return (dr?.spec.subsets ?? []).map((s) => s.name).sort();
}

/** One object's columns as `kubectl get` prints them (server-side Table rendering of the CRD's printer columns). */
export async function printedColumns(client: KubeClient, path: string): Promise<Record<string, unknown>> {
  const server = client.kubeConfig.getCurrentCluster()?.server ?? '';
  const ctx = new RequestContext(`${server}${path}`, HttpMethod.GET);
  ctx.setHeaderParam('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io');
  await client.kubeConfig.applySecurityAuthentication(ctx);
  const res = await new IsomorphicFetchHttpLibrary().send(ctx).toPromise();
  const table = JSON.parse(await res.body.text()) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  const cells = table.rows[0]?.cells ?? [];
  return Object.fromEntries(table.columnDefinitions.map((c, i) => [c.name, cells[i]]));
}
