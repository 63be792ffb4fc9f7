import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { applyObjects } from '../kube/apply-as-user.ts';
import { KubeClient } from '../kube/kube-client.ts';
import { HARNESS_FIELD_MANAGER, installCrds } from './crd-install.ts';
import { ensureHarnessBinaries, istioCrdFile, switchyardCrdFiles, type HarnessBinaries } from './harness-artifacts.ts';
import { CONTROLLER_USER, writeHarnessPki, writeKubeconfig, type HarnessPki } from './harness-pki.ts';
import { startManagedProcess, type ManagedProcess } from './managed-process.ts';
import { freeLoopbackPort, probe, waitUntilReady } from './readiness.ts';
import { apiserverArgs, controllerManagerArgs, etcdArgs, type HarnessPorts } from './server-args.ts';

/** etcd answers /health within a second of starting; ten leaves room for a loaded CI machine. */
const ETCD_READY_TIMEOUT_MS = 10_000;
/** kube-apiserver needs a few seconds for its post-start hooks (RBAC bootstrap, CRD informers). */
const APISERVER_READY_TIMEOUT_MS = 60_000;
const CONTROLLER_MANAGER_READY_TIMEOUT_MS = 30_000;

/** Namespaces every Switchyard test and demo expects. */
export const HARNESS_NAMESPACES = ['switchyard-system', 'istio-system'] as const;

export interface ControlPlaneOptions {
  /** Also run kube-controller-manager (garbage collector + namespace controller). Default false. */
  withControllerManager?: boolean;
  /** Apply Istio's CRDs and crds/*.yaml and wait until they are Established. Default false. */
  installCrds?: boolean;
  /** Where process logs go (kept after stop). Default: `<dataDir>/logs`. */
  logDir?: string;
}

export interface ControlPlane {
  /** Admin kubeconfig (system:masters). */
  kubeconfigPath: string;
  /** Kubeconfig of Switchyard's controller identity, system:serviceaccount:switchyard-system:switchyard. */
  controllerKubeconfigPath: string;
  /** The API server's https URL. */
  server: string;
  /** The harness CA and credentials (e.g. to sign a webhook's serving certificate the API server trusts). */
  pki: HarnessPki;
  dataDir: string;
  logDir: string;
  /** Stops every process; removes dataDir unless a process failed (then logs are kept and printed). */
  stop(): Promise<void>;
  /** Stops and restarts kube-apiserver alone, on the same port and etcd; resolves when ready again. */
  restartApiServer(): Promise<void>;
  /** pids of the running processes by name (etcd, kube-apiserver, kube-controller-manager). */
  processIds(): Record<string, number>;
}

interface Running {
  binaries: HarnessBinaries;
  dataDir: string;
  logDir: string;
  ports: HarnessPorts;
  pki: HarnessPki;
  ca: Buffer;
  processes: Map<string, ManagedProcess>;
  failed: boolean;
}

function launch(run: Running, name: string, command: string, args: string[]): ManagedProcess {
  const proc = startManagedProcess({
    name,
    command,
    args,
    logPath: join(run.logDir, `${name}.log`),
    onUnexpectedExit: (who, how) => {
      run.failed = true;
      console.error(`control plane: ${who} exited unexpectedly (${how}); see ${join(run.logDir, `${who}.log`)}`);
    },
  });
  run.processes.set(name, proc);
  return proc;
}

async function startEtcd(run: Running): Promise<void> {
  const proc = launch(run, 'etcd', run.binaries.etcd, etcdArgs(run.dataDir, run.ports));
  const url = `http://127.0.0.1:${run.ports.etcdClient}/health`;
  await waitUntilReady(proc, 'GET /health = 200', () => probe(url), ETCD_READY_TIMEOUT_MS);
}

async function startApiserver(run: Running): Promise<void> {
  const proc = launch(run, 'kube-apiserver', run.binaries.kubeApiserver, apiserverArgs(run.dataDir, run.ports, run.pki));
  const url = `https://127.0.0.1:${run.ports.apiserver}/readyz`;
  const check = () => probe(url, { ca: run.ca, bearer: run.pki.tokens.admin });
  await waitUntilReady(proc, 'GET /readyz = 200', check, APISERVER_READY_TIMEOUT_MS);
}

async function startControllerManager(run: Running, kubeconfig: string): Promise<void> {
  const args = controllerManagerArgs(run.dataDir, run.ports, kubeconfig);
  const proc = launch(run, 'kube-controller-manager', run.binaries.kubeControllerManager, args);
  // Its serving certificate is self-signed; /healthz is always allowed without authentication.
  const url = `https://127.0.0.1:${run.ports.controllerManager}/healthz`;
  await waitUntilReady(proc, 'GET /healthz = 200', () => probe(url), CONTROLLER_MANAGER_READY_TIMEOUT_MS);
}

async function stopAll(run: Running): Promise<void> {
  // Reverse start order: clients first, etcd last.
  for (const proc of [...run.processes.values()].reverse()) await proc.stop();
}

async function pickPorts(): Promise<HarnessPorts> {
  const [etcdClient, etcdPeer, apiserver, controllerManager] = await Promise.all([0, 1, 2, 3].map(() => freeLoopbackPort()));
  if (!etcdClient || !etcdPeer || !apiserver || !controllerManager) throw new Error('could not find free loopback ports');
  if (new Set([etcdClient, etcdPeer, apiserver, controllerManager]).size < 4) return pickPorts();
  return { etcdClient, etcdPeer, apiserver, controllerManager };
}

async function installEverything(kc: KubeConfig, opts: ControlPlaneOptions): Promise<void> {
  const namespaces = HARNESS_NAMESPACES.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  await applyObjects(new KubeClient(kc), namespaces, HARNESS_FIELD_MANAGER);
  if (!opts.installCrds) return;
  const ours = await switchyardCrdFiles();
  if (ours.length === 0) throw new Error('crds/ has no YAML files: run `npm run gen:crds`');
  await installCrds(kc, [await istioCrdFile(), ...ours]);
}

/**
 * Starts etcd and kube-apiserver (and optionally kube-controller-manager) on free loopback ports
 * with a fresh data dir under os.tmpdir(), builds the binaries first if they are not cached,
 * creates the switchyard-system and istio-system namespaces and optionally installs the CRDs.
 * On failure everything started is stopped, the data dir and logs are kept, and the error says where.
 */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = await ensureHarnessBinaries();
  const dataDir = await mkdtemp(join(tmpdir(), 'switchyard-cp-'));
  const logDir = opts.logDir ?? join(dataDir, 'logs');
  await mkdir(logDir, { recursive: true });
  await mkdir(join(dataDir, 'pki'));
  const pki = await writeHarnessPki(join(dataDir, 'pki'));
  const run: Running = { binaries, dataDir, logDir, ports: await pickPorts(), pki, ca: readFileSync(pki.caCert), processes: new Map(), failed: false };
  const server = `https://127.0.0.1:${run.ports.apiserver}`;
  const kubeconfigPath = join(dataDir, 'admin.kubeconfig');
  const controllerKubeconfigPath = join(dataDir, 'switchyard-controller.kubeconfig');
  const kcmKubeconfigPath = join(dataDir, 'kube-controller-manager.kubeconfig');
  await writeKubeconfig(kubeconfigPath, server, pki.caCert, 'switchyard-harness-admin', pki.tokens.admin);
  await writeKubeconfig(controllerKubeconfigPath, server, pki.caCert, CONTROLLER_USER, pki.tokens.controller);
  await writeKubeconfig(kcmKubeconfigPath, server, pki.caCert, 'system:kube-controller-manager', pki.tokens.controllerManager);
  try {
    await startEtcd(run);
    await startApiserver(run);
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    await installEverything(kc, opts);
    // After the CRDs, so the garbage collector's first discovery already sees them.
    if (opts.withControllerManager) await startControllerManager(run, kcmKubeconfigPath);
  } catch (err) {
    await stopAll(run);
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`control plane failed to start (data and logs kept in ${dataDir}, logs in ${logDir}): ${message}`, { cause: err });
  }
  return {
    kubeconfigPath,
    controllerKubeconfigPath,
    server,
    pki,
    dataDir,
    logDir,
    async stop() {
      await stopAll(run);
      if (run.failed) {
        console.error(`control plane: a process failed; data kept in ${dataDir}, logs in ${logDir}`);
        return;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
    async restartApiServer() {
      await run.processes.get('kube-apiserver')?.stop();
      await startApiserver(run);
    },
    processIds: () => Object.fromEntries([...run.processes].filter(([, p]) => !p.hasExited()).map(([name, p]) => [name, p.pid])),
  };
}
