import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startManagedProcess, tailLog, type ManagedProcess } from './managed-process.ts';

/** A running Envoy started from a static bootstrap. */
export interface EnvoyInstance {
  adminPort: number;
  /** Port of the first listener of the bootstrap (bound by Envoy when the config says port 0). */
  listenerPort: number;
  logPath: string;
  /** SIGTERM (SIGKILL after a grace period), then removes the temp dir. */
  stop(): Promise<void>;
  /** Every counter and gauge of the admin `/stats`, by name. */
  stats(): Promise<Record<string, number>>;
  /** Ports of the listeners Envoy has bound (admin `/listeners`), in its order. */
  listenerPorts(): Promise<number[]>;
}

/** Envoy loads a small static config in well under a second; a slow CI host gets room. */
const READY_TIMEOUT_MS = 20_000;
/** Short polls: startup is usually ~100 ms, and the admin endpoint is cheap. */
const POLL_MS = 50;
/** Envoy drains nothing on SIGTERM in these tests; it exits at once. */
const STOP_GRACE_MS = 5_000;

const ENSURE_ENVOY = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'harness', 'ensure-envoy.sh');
let envoyPath: string | undefined;

/** Path of the pinned Envoy binary (installed into the harness cache on first use). */
export function envoyBinary(): string {
  envoyPath ??= execFileSync(ENSURE_ENVOY, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return envoyPath;
}

/**
 * Writes `config` (an Envoy v3 bootstrap without `admin`; listeners should bind 127.0.0.1 port 0)
 * to a temp dir and runs Envoy on it with one worker and a dynamic base id, the admin interface on
 * a kernel-chosen loopback port. Resolves once `/ready` answers LIVE. Rejects, quoting the log
 * tail, when Envoy exits first (e.g. it rejected the config) or is not ready in time.
 * `requireListener: false` is for bootstraps whose listeners come over xDS (listenerPort is then 0).
 */
export async function startEnvoy(config: object, opts: { requireListener?: boolean } = {}): Promise<EnvoyInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-envoy-'));
  const configPath = join(dir, 'envoy.json');
  const addressPath = join(dir, 'admin-address');
  const logPath = join(dir, 'envoy.log');
  const admin = { address: { socket_address: { address: '127.0.0.1', port_value: 0 } } };
  writeFileSync(configPath, JSON.stringify({ ...config, admin }, null, 2));
  const proc = startManagedProcess({
    name: 'envoy',
    command: envoyBinary(),
    args: ['-c', configPath, '--concurrency', '1', '--use-dynamic-base-id', '--admin-address-path', addressPath, '--log-level', 'info'],
    logPath,
  });
  const stop = async (): Promise<void> => {
    await proc.stop(STOP_GRACE_MS);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const adminPort = await waitFor(proc, 'an admin address', () => adminAddressPort(addressPath));
    await waitFor(proc, 'LIVE on /ready', async () => ((await getText(adminPort, '/ready')).trim() === 'LIVE' ? true : undefined));
    // A bootstrap that takes its listeners over xDS has none yet.
    const listenerPort = opts.requireListener === false ? 0 : await firstListenerPort(adminPort);
    return { adminPort, listenerPort, logPath, stop, stats: () => adminStats(adminPort), listenerPorts: () => listenerPorts(adminPort) };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Polls `check` until it yields a value; throws with the log tail if Envoy exits or time runs out. */
async function waitFor<T>(proc: ManagedProcess, what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    if (proc.hasExited()) {
      throw new Error(`Envoy exited (${await proc.exited}) before ${what} (config rejected?); last lines of its log:\n${tailLog(proc.logPath)}`);
    }
    await sleep(POLL_MS);
  }
  throw new Error(`Envoy: no ${what} within ${READY_TIMEOUT_MS} ms; last lines of its log:\n${tailLog(proc.logPath)}`);
}

function adminAddressPort(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const port = Number(/:(\d+)\s*$/.exec(readFileSync(path, 'utf8'))?.[1]);
  return port > 0 ? port : undefined;
}

function getText(adminPort: number, path: string): Promise<string> {
  return fetch(`http://127.0.0.1:${adminPort}${path}`).then(
    (r) => r.text(),
    () => '',
  );
}

interface ListenersJson {
  listener_statuses?: { local_address?: { socket_address?: { port_value?: number } } }[];
}

async function listenerPorts(adminPort: number): Promise<number[]> {
  const body = JSON.parse((await getText(adminPort, '/listeners?format=json')) || '{}') as ListenersJson;
  return (body.listener_statuses ?? []).flatMap((l) => l.local_address?.socket_address?.port_value ?? []);
}

async function firstListenerPort(adminPort: number): Promise<number> {
  const [port] = await listenerPorts(adminPort);
  if (port === undefined) throw new Error('Envoy: no listener in /listeners');
  return port;
}

interface StatsJson {
  stats?: { name?: string; value?: unknown }[];
}

async function adminStats(adminPort: number): Promise<Record<string, number>> {
  const body = JSON.parse(await getText(adminPort, '/stats?format=json')) as StatsJson;
  const out: Record<string, number> = {};
  for (const s of body.stats ?? []) {
    if (s.name !== undefined && typeof s.value === 'number') out[s.name] = s.value;
  }
  return out;
}
