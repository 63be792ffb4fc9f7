import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startManagedProcess, tailLog, type ManagedProcess } from './managed-process.ts';
import { CONTROLLER_NODE_FLAGS } from '../controllers/node-flags.ts';

/** The `npm start` entry, run as a child exactly as a user (or a container) would run it. */
export const CONTROLLER_MAIN = fileURLToPath(new URL('../controllers/main.ts', import.meta.url));

/** Node loads and type-strips the controllers in about a second; a loaded CI machine needs more. */
const STARTUP_TIMEOUT_MS = 30_000;
const LOG_POLL_MS = 25;

export interface ControllerProcessOptions {
  kubeconfigPath: string;
  /** Output of every run is appended here (one file across restarts). */
  logPath: string;
  /** `--settle-delay` value, e.g. `1s` or `0s`. */
  settleDelay: string;
  /** More flags for controllers/main.ts. */
  extraArgs?: string[];
}

/** A running controller child process and the port of its probes/metrics server. */
export interface ControllerProcess {
  readonly proc: ManagedProcess;
  readonly httpPort: number;
  /** Sends `signal` and resolves with how the process ended (`code 0`, `signal SIGKILL`). */
  signal(signal: NodeJS.Signals): Promise<string>;
}

/**
 * Starts `node controllers/main.ts` against a cluster without leader election and with a free
 * probes port; resolves once it has logged `controllers started` (its informers are running).
 * Throws with the log tail when the process exits or stays silent past the startup timeout.
 */
export async function startControllerProcess(opts: ControllerProcessOptions): Promise<ControllerProcess> {
  const logStart = logLength(opts.logPath);
  const args = [...CONTROLLER_NODE_FLAGS, CONTROLLER_MAIN, '--kubeconfig', opts.kubeconfigPath, '--settle-delay', opts.settleDelay, '--no-leader-election', '--http-port', '0', ...(opts.extraArgs ?? [])];
  const proc = startManagedProcess({ name: 'switchyard-controllers', command: process.execPath, args, logPath: opts.logPath });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    const port = startedPort(readFileSync(opts.logPath, 'utf8').slice(logStart));
    if (port !== undefined) {
      return {
        proc,
        httpPort: port,
        signal: (signal) => {
          if (!proc.hasExited()) process.kill(proc.pid, signal);
          return proc.exited;
        },
      };
    }
    if (proc.hasExited() || Date.now() > deadline) {
      await proc.stop();
      throw new Error(`controller process did not log "controllers started" (${proc.hasExited() ? 'it exited' : `within ${STARTUP_TIMEOUT_MS} ms`}):\n${tailLog(opts.logPath)}`);
    }
    await sleep(LOG_POLL_MS);
  }
}

function logLength(path: string): number {
  try {
    return readFileSync(path, 'utf8').length;
  } catch {
    return 0;
  }
}

/** The httpPort of the `controllers started` JSON log line, if logged yet. */
function startedPort(log: string): number | undefined {
  for (const line of log.split('\n')) {
    if (!line.includes('"controllers started"')) continue;
    const port = (JSON.parse(line) as { httpPort?: unknown }).httpPort;
    if (typeof port === 'number') return port;
  }
  return undefined;
}
