import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Root of the Switchyard checkout this file belongs to. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const HARNESS_SCRIPTS = join(REPO_ROOT, 'scripts', 'harness');

/** A cold build prints a lot (go get progress); keep all of it for the error message. */
const BUILD_OUTPUT_BYTES = 64 * 1024 * 1024;
/** Lines of build output quoted in the error when the build fails. */
const BUILD_ERROR_LINES = 60;

export interface HarnessBinaries {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
}

interface CachedPaths extends HarnessBinaries {
  pilotDiscovery: string;
  kubectl: string;
  helm: string;
}

/** Reads the pinned versions and cache directory from versions.sh, the one place they are set. */
async function binaryPaths(): Promise<CachedPaths> {
  const script = `. "${join(HARNESS_SCRIPTS, 'versions.sh')}" && printf '%s\\n' "$HARNESS_BIN" "$K8S_VERSION" "$ETCD_VERSION" "$ISTIO_VERSION" "$HELM_VERSION"`;
  const { stdout } = await run('bash', ['-c', script]);
  const [bin, k8s, etcd, istio, helm] = stdout.trim().split('\n');
  if (!bin || !k8s || !etcd || !istio || !helm) throw new Error(`versions.sh printed no HARNESS_BIN/K8S_VERSION/ETCD_VERSION/ISTIO_VERSION/HELM_VERSION: ${JSON.stringify(stdout)}`);
  return {
    etcd: join(bin, `etcd-${etcd}`),
    kubeApiserver: join(bin, `kube-apiserver-v${k8s}`),
    kubeControllerManager: join(bin, `kube-controller-manager-v${k8s}`),
    pilotDiscovery: join(bin, `pilot-discovery-${istio}`),
    kubectl: join(bin, `kubectl-v${k8s}`),
    helm: join(bin, `helm-${helm}`),
  };
}

/**
 * Returns the paths of the harness binaries, running scripts/harness/build-all.sh first when any
 * is missing. A failed build throws with the tail of the build output; nothing is ever skipped.
 */
export async function ensureHarnessBinaries(): Promise<HarnessBinaries> {
  const { etcd, kubeApiserver, kubeControllerManager } = await binaryPaths();
  const paths = { etcd, kubeApiserver, kubeControllerManager };
  await buildUnlessPresent('build-all.sh', Object.values(paths));
  return paths;
}

/**
 * Path of istiod (pilot-discovery), built by scripts/harness/build-istiod.sh when missing. Only the
 * live-mesh tests and `npm run bench:mesh` need it, so `npm start` never waits for its build.
 */
export async function ensureIstiodBinary(): Promise<string> {
  const { pilotDiscovery } = await binaryPaths();
  await buildUnlessPresent('build-istiod.sh', [pilotDiscovery]);
  return pilotDiscovery;
}

/**
 * Path of kubectl at the API server's version, built by scripts/harness/build-kubectl.sh when
 * missing: the tests that `kubectl wait` on Switchyard's conditions and run the kubectl plugin.
 */
export async function ensureKubectl(): Promise<string> {
  const { kubectl } = await binaryPaths();
  await buildUnlessPresent('build-kubectl.sh', [kubectl]);
  return kubectl;
}

/** Path of helm, built by scripts/harness/build-helm.sh when missing: the chart test renders with it. */
export async function ensureHelm(): Promise<string> {
  const { helm } = await binaryPaths();
  await buildUnlessPresent('build-helm.sh', [helm]);
  return helm;
}

async function buildUnlessPresent(script: string, outputs: string[]): Promise<void> {
  if (outputs.every((p) => existsSync(p))) return;
  try {
    await run(join(HARNESS_SCRIPTS, script), [], { maxBuffer: BUILD_OUTPUT_BYTES });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.trimEnd().split('\n').slice(-BUILD_ERROR_LINES).join('\n');
    throw new Error(`scripts/harness/${script} failed (${e.message.split('\n')[0]}):\n${output}`);
  }
  const missing = outputs.filter((p) => !existsSync(p));
  if (missing.length > 0) throw new Error(`scripts/harness/${script} succeeded but did not produce ${missing.join(', ')}`);
}

/** Path of Istio's real CRD YAML, as printed by scripts/harness/istio-crds.sh (which fetches it). */
export async function istioCrdFile(): Promise<string> {
  const script = join(HARNESS_SCRIPTS, 'istio-crds.sh');
  if (!existsSync(script)) throw new Error(`${script} is missing: cannot locate Istio's CRDs`);
  let stdout: string;
  try {
    ({ stdout } = await run(script, [], { maxBuffer: BUILD_OUTPUT_BYTES }));
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`scripts/harness/istio-crds.sh failed: ${e.message}\n${e.stderr ?? ''}`);
  }
  const path = stdout.trim().split('\n').pop() ?? '';
  if (!existsSync(path)) throw new Error(`scripts/harness/istio-crds.sh printed ${JSON.stringify(path)}, which is not a file`);
  return path;
}

/** Switchyard's generated CRD files (crds/*.yaml), sorted. */
export async function switchyardCrdFiles(): Promise<string[]> {
  const dir = join(REPO_ROOT, 'crds');
  const names = existsSync(dir) ? await readdir(dir) : [];
  return names.filter((n) => n.endsWith('.yaml')).sort().map((n) => join(dir, n));
}
