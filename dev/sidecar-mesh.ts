import './harness-kinds.ts';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyObjects } from '../kube/apply-as-user.ts';
import { KubeClient, loadKubeConfig } from '../kube/kube-client.ts';
import type { KubeObject } from '../kube/types.ts';
import type { ControlPlane } from './control-plane.ts';
import { startEnvoy, type EnvoyInstance } from './envoy.ts';
import { ensureIstiodBinary } from './harness-artifacts.ts';
import { startIstiod } from './istiod.ts';
import { tailLog, type ManagedProcess } from './managed-process.ts';
import { proxyBootstrap } from './mesh-proxy.ts';
import { freeLoopbackPort } from './readiness.ts';
import { startVersionBackend, type VersionBackend } from './version-backend.ts';

/** A sidecar's inbound listener appears after the first LDS push that carries its Sidecar resource. */
const LISTENER_READY_TIMEOUT_MS = 60_000;
const POLL_MS = 100;
const FIELD_MANAGER = 'switchyard-sidecar-mesh';

/** One workload with its own sidecar: labels istiod selects config by, and its own loopback addresses. */
export interface SidecarSpec {
  name: string;
  labels: Record<string, string>;
  /** Loopback address its inbound listener binds (also the proxy's instance IP). */
  inboundAddress: string;
  /** Loopback address its outbound listeners bind (one per service port it can reach). */
  outboundAddress: string;
}

export interface SidecarMeshOptions {
  controlPlane: ControlPlane;
  /** Namespace of the sidecars, their Sidecar resources and plaintext PeerAuthentication (created here). */
  namespace: string;
  /** The HTTP port every sidecar serves inbound (`<inboundAddress>:<port>`), in front of its own backend. */
  port: number;
  sidecars: SidecarSpec[];
  /** Further mesh objects applied before istiod starts (ServiceEntries the sidecars need, …). */
  objects?: KubeObject[];
}

/** A running sidecar: send requests to `inboundAddress:port`; its backend answers with its name. */
export interface MeshSidecar extends SidecarSpec {
  envoy: EnvoyInstance;
  backend: VersionBackend;
  /** How istiod names the proxy in /debug/syncz and `config_dump?proxyID=` (`name.namespace`). */
  proxyId: string;
}

export interface SidecarMesh {
  /** istiod's monitoring address (debug endpoints: /debug/syncz, /debug/config_dump). */
  istiodDebugUrl: string;
  sidecars: MeshSidecar[];
  /** Every push a sidecar refused (`*.update_rejected` counters) and any `lastError` in istiod's syncz. */
  rejections(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Starts istiod (pilot-discovery, built from Go modules) out of cluster and one upstream Envoy per
 * sidecar, each bootstrapped over ADS as a sidecar of its workload with interception NONE: there
 * is no iptables here, so its Sidecar resource binds the inbound listener to its own loopback
 * address (forwarding to a loopback HTTP backend of its own) and its outbound listeners to another.
 * Inbound is plaintext (no SDS without pilot-agent). Resolves once every sidecar has its inbound
 * listener from istiod.
 */
export async function startSidecarMesh(opts: SidecarMeshOptions): Promise<SidecarMesh> {
  const pilotDiscovery = await ensureIstiodBinary();
  const logDir = join(opts.controlPlane.dataDir, 'sidecar-mesh');
  await mkdir(logDir, { recursive: true });
  const [grpcPort = 0, httpPort = 0, monitoringPort = 0] = await distinctPorts(3);
  const kubeClient = new KubeClient(loadKubeConfig({ path: opts.controlPlane.kubeconfigPath }));
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    for (const s of started.reverse()) await s.stop();
  };
  try {
    const backends: VersionBackend[] = [];
    for (const s of opts.sidecars) {
      const backend = await startVersionBackend('127.0.0.1', s.name);
      started.push(backend);
      backends.push(backend);
    }
    const sidecarObjects = opts.sidecars.flatMap((s, i) => sidecarResource(opts, s, backends[i] as VersionBackend));
    await applyObjects(kubeClient, [plaintextInbound(opts.namespace), ...sidecarObjects, ...(opts.objects ?? [])], FIELD_MANAGER, opts.namespace);
    const accessLogPath = join(logDir, 'access.log');
    const istiod = await startIstiod({ binary: pilotDiscovery, kubeconfig: opts.controlPlane.kubeconfigPath, logDir, accessLogPath, ports: { grpcPort, httpPort, monitoringPort }, debounceAfter: '20ms' });
    started.push({ stop: () => istiod.stop() });
    const sidecars: MeshSidecar[] = [];
    for (const [i, s] of opts.sidecars.entries()) {
      const node = { type: 'sidecar', ip: s.inboundAddress, name: s.name, namespace: opts.namespace, labels: s.labels, interceptionMode: 'NONE' as const };
      const envoy = await startEnvoy(proxyBootstrap(node, grpcPort), { requireListener: false });
      started.push(envoy);
      await waitForListener(envoy, opts.port, istiod);
      sidecars.push({ ...s, envoy, backend: backends[i] as VersionBackend, proxyId: `${s.name}.${opts.namespace}` });
    }
    const istiodDebugUrl = `http://127.0.0.1:${monitoringPort}`;
    return { istiodDebugUrl, sidecars, rejections: () => rejections(sidecars, istiodDebugUrl), stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function distinctPorts(n: number): Promise<number[]> {
  const ports = await Promise.all(Array.from({ length: n }, () => freeLoopbackPort()));
  return new Set(ports).size === n ? ports : distinctPorts(n);
}

/** Plaintext inbound for the namespace: with mTLS an inbound listener would wait forever for certificates over SDS. */
function plaintextInbound(namespace: string): KubeObject {
  return { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'plaintext', namespace }, spec: { mtls: { mode: 'DISABLE' } } };
}

/** The Sidecar binding a workload's listeners to its own loopback addresses (captureMode NONE). */
function sidecarResource(opts: SidecarMeshOptions, s: SidecarSpec, backend: VersionBackend): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name: s.name, namespace: opts.namespace },
    spec: {
      workloadSelector: { labels: s.labels },
      ingress: [{ port: { number: opts.port, protocol: 'HTTP', name: 'http' }, bind: s.inboundAddress, captureMode: 'NONE', defaultEndpoint: `127.0.0.1:${backend.port}` }],
      egress: [{ bind: s.outboundAddress, captureMode: 'NONE', hosts: ['./*'] }],
    },
  };
}

async function waitForListener(envoy: EnvoyInstance, port: number, istiod: ManagedProcess): Promise<void> {
  const deadline = Date.now() + LISTENER_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if ((await envoy.listenerPorts()).includes(port)) return;
    if (istiod.hasExited()) throw new Error(`istiod exited (${await istiod.exited}); last lines of its log:\n${tailLog(istiod.logPath)}`);
    await sleep(POLL_MS);
  }
  throw new Error(`sidecar Envoy has no listener on port ${port} after ${LISTENER_READY_TIMEOUT_MS} ms; Envoy log:\n${tailLog(envoy.logPath)}\nistiod log:\n${tailLog(istiod.logPath)}`);
}

interface SyncEntry {
  proxy?: string;
  resources?: Record<string, { lastError?: string }>;
}

async function rejections(sidecars: MeshSidecar[], istiodDebugUrl: string): Promise<string[]> {
  const out: string[] = [];
  for (const s of sidecars) {
    for (const [name, value] of Object.entries(await s.envoy.stats())) {
      if (name.endsWith('.update_rejected') && value > 0) out.push(`${s.name} ${name} = ${value}`);
    }
  }
  const syncz = (await fetch(`${istiodDebugUrl}/debug/syncz`).then((r) => r.json())) as SyncEntry[];
  for (const e of syncz) {
    for (const [type, r] of Object.entries(e.resources ?? {})) if (r.lastError) out.push(`istiod: ${e.proxy} ${type}: ${r.lastError}`);
  }
  return out;
}
