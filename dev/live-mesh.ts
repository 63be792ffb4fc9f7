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
import { tailLog, type ManagedProcess } from './managed-process.ts';
import { startIstiod } from './istiod.ts';
import { proxyBootstrap } from './mesh-proxy.ts';
import { freeLoopbackPort } from './readiness.ts';
import { startMeshPrometheus } from './mesh-prometheus.ts';
import type { PrometheusInstance } from './prometheus.ts';
import { startVersionBackend, type IstioWorkloadIdentity, type VersionBackend } from './version-backend.ts';

/** The gateway listener appears after the first LDS push that carries the Gateway. */
const GATEWAY_READY_TIMEOUT_MS = 60_000;
const POLL_MS = 100;
/** The Gateway resource and the gateway proxy's label that selects it. */
export const GATEWAY_NAME = 'switchyard-gw';
const GATEWAY_SELECTOR = { istio: 'switchyard-gateway' };
/** The sidecar-style client proxy's name and the loopback address its outbound listener binds. */
const CLIENT_NAME = 'client';
const CLIENT_ADDRESS = '127.0.0.2';
const FIELD_MANAGER = 'switchyard-live-mesh';

/** One backend workload: a Router subset's pods, as a loopback HTTP server + WorkloadEntry. */
export interface WorkloadSpec {
  /** Name of the WorkloadEntry (unique in the namespace). */
  name: string;
  /** Labels the Router's subsets select on (`app`, `branch`, `version`). */
  labels: Record<string, string>;
}

export interface LiveMeshOptions {
  controlPlane: ControlPlane;
  /** Namespace of the Gateway, ServiceEntry and WorkloadEntries (created here). */
  namespace: string;
  /** The service's host (the Router's host), registered through a ServiceEntry. */
  host: string;
  /** The service port (the Router's `spec.port`). */
  port: number;
  /** Label set every workload of the service carries (the ServiceEntry's workloadSelector). */
  selector: Record<string, string>;
  workloads: WorkloadSpec[];
  /** istiod's debounce; shorter pushes faster (Istio's default is 100ms). */
  debounceAfter?: string;
  /**
   * Also run a sidecar-style client proxy with these workload labels (e.g. `{app: client, branch:
   * box-1}`), so routes matching `sourceLabels` are exercised. Its outbound listener is bound to
   * 127.0.0.2:<port> by a Sidecar resource (captureMode NONE): there is no iptables capture here.
   */
  clientLabels?: Record<string, string>;
  /**
   * Also run a real Prometheus scraping the proxies' admin `/stats/prometheus` (job `envoy`) and
   * every backend's Istio standard metrics (job `istio`) every `scrapeIntervalMs`.
   */
  prometheus?: { scrapeIntervalMs: number };
}

/** A sidecar-style client proxy: send requests to `address:port` with `Host: <host>`. */
export interface ClientProxy {
  envoy: EnvoyInstance;
  address: string;
  port: number;
}

/** A running istiod + Envoy gateway + loopback backends, wired through real Istio objects. */
export interface LiveMesh {
  /** istiod's monitoring address (debug endpoints: /debug/syncz, /debug/config_dump). */
  istiodDebugUrl: string;
  gateway: EnvoyInstance;
  /** The port the gateway listens on for the service's traffic (send `Host: <host>`). */
  gatewayPort: number;
  /** How istiod names the gateway proxy in /debug/syncz and `config_dump?proxyID=` (`name.namespace`). */
  gatewaySyncId: string;
  /** `namespace/name` of the Gateway a Router lists in `spec.gateways`. */
  gatewayRef: string;
  /** The sidecar-style client proxy, when `clientLabels` was given. */
  client: ClientProxy | undefined;
  /** Each workload's backend by WorkloadSpec name: its fault knob, request count, Istio metrics address. */
  backends: ReadonlyMap<string, VersionBackend>;
  /** The Prometheus scraping the mesh, when `prometheus` was given. */
  prometheus: PrometheusInstance | undefined;
  /** The gateway's access log (JSON lines with response code and Envoy response flags). */
  accessLogPath: string;
  /**
   * Every config push the mesh refused so far: the gateway's `*.update_rejected` counters (NACKs)
   * and any `lastError` istiod's /debug/syncz holds. Empty when every push was accepted.
   */
  rejections(): Promise<string[]>;
  stop(): Promise<void>;
}

/** Loopback addresses 127.0.0.11.. for backends; Linux routes all of 127/8 to lo. */
function backendAddress(index: number): string {
  return `127.0.0.${11 + index}`;
}

/**
 * Starts istiod (pilot-discovery, built from Go modules) out of cluster against the harness's API
 * server, plaintext xDS on loopback, CA/webhooks/injector off and Istio-only Envoy filters off;
 * an upstream Envoy bootstrapped to it over ADS as a gateway; one HTTP backend per workload on its
 * own loopback address, registered through a ServiceEntry and WorkloadEntries. Resolves once the
 * gateway has its listener from istiod.
 */
export async function startLiveMesh(opts: LiveMeshOptions): Promise<LiveMesh> {
  const pilotDiscovery = await ensureIstiodBinary();
  const logDir = join(opts.controlPlane.dataDir, 'mesh');
  await mkdir(logDir, { recursive: true });
  const accessLogPath = join(logDir, 'gateway-access.log');
  const { grpcPort, httpPort, monitoringPort, gatewayPort } = await meshPorts();
  const kubeClient = new KubeClient(loadKubeConfig({ path: opts.controlPlane.kubeconfigPath }));
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    for (const s of started.reverse()) await s.stop();
  };
  try {
    await applyObjects(kubeClient, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: opts.namespace } }], FIELD_MANAGER);
    await applyObjects(kubeClient, meshObjects(opts, gatewayPort), FIELD_MANAGER);
    if (opts.clientLabels) await applyObjects(kubeClient, clientObjects(opts), FIELD_MANAGER);
    const backends = new Map<string, VersionBackend>();
    for (const [i, w] of opts.workloads.entries()) {
      const backend = await startVersionBackend(backendAddress(i), w.name, { istio: istioIdentity(opts, w) });
      started.push(backend);
      backends.set(w.name, backend);
      await applyObjects(kubeClient, [workloadEntry(opts.namespace, w, backend)], FIELD_MANAGER);
    }
    const istiod = await startIstiod({
      binary: pilotDiscovery,
      kubeconfig: opts.controlPlane.kubeconfigPath,
      logDir,
      accessLogPath,
      ports: { grpcPort, httpPort, monitoringPort },
      debounceAfter: opts.debounceAfter ?? '20ms',
    });
    started.push({ stop: () => istiod.stop() });
    const gatewayNode = { type: 'router', ip: '127.0.0.1', name: GATEWAY_NAME, namespace: opts.namespace, labels: GATEWAY_SELECTOR };
    const gateway = await startEnvoy(proxyBootstrap(gatewayNode, grpcPort), { requireListener: false });
    started.push(gateway);
    await waitForListener(gateway, gatewayPort, istiod);
    let client: ClientProxy | undefined;
    if (opts.clientLabels) {
      const node = { type: 'sidecar', ip: CLIENT_ADDRESS, name: CLIENT_NAME, namespace: opts.namespace, labels: opts.clientLabels };
      const envoy = await startEnvoy(proxyBootstrap(node, grpcPort), { requireListener: false });
      started.push(envoy);
      await waitForListener(envoy, opts.port, istiod);
      client = { envoy, address: CLIENT_ADDRESS, port: opts.port };
    }
    let prometheus: PrometheusInstance | undefined;
    if (opts.prometheus) {
      const proxies = [gateway, ...(client ? [client.envoy] : [])];
      prometheus = await startMeshPrometheus({ dataDir: join(logDir, 'prometheus'), scrapeIntervalMs: opts.prometheus.scrapeIntervalMs, proxies, backends: [...backends.values()] });
      started.push(prometheus);
    }
    return {
      istiodDebugUrl: `http://127.0.0.1:${monitoringPort}`,
      gateway,
      gatewayPort,
      gatewaySyncId: `${GATEWAY_NAME}.${opts.namespace}`,
      gatewayRef: `${opts.namespace}/${GATEWAY_NAME}`,
      client,
      backends,
      prometheus,
      accessLogPath,
      rejections: () => rejections(gateway, `http://127.0.0.1:${monitoringPort}`),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function meshPorts(): Promise<{ grpcPort: number; httpPort: number; monitoringPort: number; gatewayPort: number }> {
  const [grpcPort = 0, httpPort = 0, monitoringPort = 0, gatewayPort = 0] = await Promise.all([0, 1, 2, 3].map(() => freeLoopbackPort()));
  return new Set([grpcPort, httpPort, monitoringPort, gatewayPort]).size === 4 ? { grpcPort, httpPort, monitoringPort, gatewayPort } : meshPorts();
}

/**
 * The client proxy's Sidecar — one outbound HTTP listener bound to a loopback address (no capture) —
 * and plaintext inbound: with mTLS its inbound listener would wait forever for certificates over
 * SDS, which upstream Envoy without pilot-agent has no source for.
 */
function clientObjects(opts: LiveMeshOptions): KubeObject[] {
  const peerAuthentication: KubeObject = {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: CLIENT_NAME, namespace: opts.namespace },
    spec: { selector: { matchLabels: opts.clientLabels }, mtls: { mode: 'DISABLE' } },
  };
  return [peerAuthentication, clientSidecar(opts)];
}

function clientSidecar(opts: LiveMeshOptions): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Sidecar',
    metadata: { name: CLIENT_NAME, namespace: opts.namespace },
    spec: {
      workloadSelector: { labels: opts.clientLabels },
      egress: [{ port: { number: opts.port, protocol: 'HTTP', name: 'http' }, bind: CLIENT_ADDRESS, captureMode: 'NONE', hosts: [`${opts.namespace}/*`] }],
    },
  };
}

/** Gateway and ServiceEntry for the service; workloads come as WorkloadEntries. */
function meshObjects(opts: LiveMeshOptions, gatewayPort: number): KubeObject[] {
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: GATEWAY_NAME, namespace: opts.namespace },
      spec: { selector: GATEWAY_SELECTOR, servers: [{ port: { number: gatewayPort, name: 'http', protocol: 'HTTP' }, bind: '127.0.0.1', hosts: ['*'] }] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'service', namespace: opts.namespace },
      spec: {
        hosts: [opts.host],
        location: 'MESH_INTERNAL',
        resolution: 'STATIC',
        ports: [{ number: opts.port, name: 'http', protocol: 'HTTP' }],
        workloadSelector: { labels: opts.selector },
      },
    },
  ];
}

/** What a destination sidecar in front of the workload would report; the callers here are the gateway (or the client proxy). */
function istioIdentity(opts: LiveMeshOptions, w: WorkloadSpec): IstioWorkloadIdentity {
  return {
    workload: w.name,
    namespace: opts.namespace,
    serviceHost: opts.host,
    serviceName: opts.host.split('.')[0] ?? opts.host,
    app: w.labels.app ?? opts.selector.app ?? 'unknown',
    version: w.labels.version ?? 'unknown',
    source: { workload: GATEWAY_NAME, namespace: opts.namespace },
  };
}

function workloadEntry(namespace: string, spec: WorkloadSpec, backend: VersionBackend): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: { name: spec.name, namespace },
    spec: { address: backend.address, ports: { http: backend.port }, labels: spec.labels },
  };
}

async function waitForListener(envoy: EnvoyInstance, port: number, istiod: ManagedProcess): Promise<void> {
  const deadline = Date.now() + GATEWAY_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if ((await envoy.listenerPorts()).includes(port)) return;
    if (istiod.hasExited()) throw new Error(`istiod exited (${await istiod.exited}); last lines of its log:\n${tailLog(istiod.logPath)}`);
    await sleep(POLL_MS);
  }
  throw new Error(
    `Envoy has no listener on port ${port} after ${GATEWAY_READY_TIMEOUT_MS} ms; Envoy log:\n${tailLog(envoy.logPath)}\nistiod log:\n${tailLog(istiod.logPath)}`,
  );
}

interface SyncEntry {
  proxy?: string;
  resources?: Record<string, { lastError?: string }>;
}

async function rejections(gateway: EnvoyInstance, istiodDebugUrl: string): Promise<string[]> {
  const out: string[] = [];
  for (const [name, value] of Object.entries(await gateway.stats())) {
    if (name.endsWith('.update_rejected') && value > 0) out.push(`gateway ${name} = ${value}`);
  }
  const syncz = (await fetch(`${istiodDebugUrl}/debug/syncz`).then((r) => r.json())) as SyncEntry[];
  for (const e of syncz) {
    for (const [type, r] of Object.entries(e.resources ?? {})) if (r.lastError) out.push(`istiod: ${e.proxy} ${type}: ${r.lastError}`);
  }
  return out;
}
