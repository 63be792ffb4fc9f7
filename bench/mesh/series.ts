import type { RouterSpec } from '../../api/router.ts';
import type { ControlPlane } from '../../dev/control-plane.ts';
import type { LiveMeshOptions } from '../../dev/live-mesh.ts';

/** The service every series drives; its workloads are registered by the live-mesh harness. */
export const SERVICE = { name: 'shop', namespace: 'mesh', port: 80, app: 'shop' } as const;
export const SANDBOX = { branch: 'box-1', header: 'x-branch' } as const;
export const MIRROR = { subset: 'main-rc', version: 'rc', filter: 'mirror-rc' } as const;

/** The service's host, as the Router renders it. */
export const SERVICE_HOST = `${SERVICE.name}.${SERVICE.namespace}.svc.cluster.local`;

/** The live mesh every series, walk and mesh test runs: the service, its workloads, plus `extra` (a client proxy, Prometheus). */
export function serviceMesh(controlPlane: ControlPlane, extra: Partial<LiveMeshOptions> = {}): LiveMeshOptions {
  return { controlPlane, namespace: SERVICE.namespace, host: SERVICE_HOST, port: SERVICE.port, selector: { app: SERVICE.app }, workloads: WORKLOADS, ...extra };
}

/** Workloads (WorkloadEntry + backend) a series needs: two alternating versions, the mirror target, the sandbox. */
export const WORKLOADS = [
  { name: 'main-v1', labels: { app: SERVICE.app, branch: 'main', version: 'v1' } },
  { name: 'main-v2', labels: { app: SERVICE.app, branch: 'main', version: 'v2' } },
  { name: 'main-rc', labels: { app: SERVICE.app, branch: 'main', version: MIRROR.version } },
  { name: 'box-1', labels: { app: SERVICE.app, branch: SANDBOX.branch, version: 'v1' } },
];

/** One desired state: the Router's weights, whether the sandbox branch and the mirror filter exist. */
export interface State {
  label: string;
  weights: Record<string, number>;
  sandbox: boolean;
  mirror: boolean;
}

/** Weight steps of one canary: add the new version at 10, shift, then remove the old one. */
const SHIFT = [10, 20, 50, 80];

/**
 * The scripted series: cycles of add a version (10%), shift 20/50/80, remove the old version,
 * add the sandbox branch, remove it, add a filter mirroring to a brand-new subset, remove it —
 * nine transitions per cycle, the versions alternating between v1 and v2.
 */
export function series(transitions: number): State[] {
  const out: State[] = [];
  let current = 'v1';
  while (out.length < transitions) {
    const next = current === 'v1' ? 'v2' : 'v1';
    for (const w of SHIFT) out.push({ label: `shift ${next} to ${w}%`, weights: { [current]: 100 - w, [next]: w }, sandbox: false, mirror: false });
    out[out.length - SHIFT.length] = { ...(out[out.length - SHIFT.length] as State), label: `add version ${next} at ${SHIFT[0]}%` };
    out.push({ label: `remove version ${current}`, weights: { [next]: 100 }, sandbox: false, mirror: false });
    out.push({ label: `add sandbox ${SANDBOX.branch}`, weights: { [next]: 100 }, sandbox: true, mirror: false });
    out.push({ label: `remove sandbox ${SANDBOX.branch}`, weights: { [next]: 100 }, sandbox: false, mirror: false });
    out.push({ label: `add mirror to new subset ${MIRROR.subset}`, weights: { [next]: 100 }, sandbox: false, mirror: true });
    out.push({ label: `remove mirror`, weights: { [next]: 100 }, sandbox: false, mirror: false });
    current = next;
  }
  return out.slice(0, transitions);
}

/** The starting state every run begins from (applied before traffic is measured). */
export const INITIAL: State = { label: 'initial v1 100%', weights: { v1: 100 }, sandbox: false, mirror: false };

/** The Router spec of a state. */
export function routerSpec(state: State, gatewayRef: string, propagation: RouterSpec['propagation']): RouterSpec {
  // Keys sorted, as the API server stores a map: the Router read back renders in this order.
  const versions = Object.fromEntries(Object.entries(state.weights).sort(([a], [b]) => a.localeCompare(b)));
  const subsets: RouterSpec['subsets'] = [{ branch: 'main', default: true, versions }];
  if (state.sandbox) subsets.push({ branch: SANDBOX.branch, match: { headers: { [SANDBOX.header]: { exact: SANDBOX.branch } } } });
  return { port: SERVICE.port, gateways: [gatewayRef], subsets, propagation };
}

/** The IstioFilter of a state's mirror, or undefined. */
export function mirrorFilter(): object {
  return {
    apiVersion: 'switchyard.io/v1alpha1',
    kind: 'IstioFilter',
    metadata: { name: MIRROR.filter, namespace: SERVICE.namespace },
    spec: {
      target: { router: SERVICE.name },
      patches: [{ mirror: { subset: MIRROR.subset, labels: { app: SERVICE.app, branch: 'main', version: MIRROR.version }, percentage: 50 } }],
    },
  };
}
