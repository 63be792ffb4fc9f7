import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** How long a child gets to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

/** `setpriv --pdeathsig` (util-linux) makes the kernel kill a child when this process dies, even by SIGKILL. */
const SETPRIV = onPath('setpriv');

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Children still running, killed synchronously when this process exits. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** One long-running server process whose output goes to a log file. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  /** True once the process has exited, for whatever reason. */
  hasExited(): boolean;
  /** Resolves with a description of how the process ended (`code 1`, `signal SIGKILL`). */
  readonly exited: Promise<string>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  /** Output (stdout and stderr) is appended here. */
  logPath: string;
  /** Called when the process exits without stop() having been called. */
  onUnexpectedExit?: (name: string, how: string) => void;
  /** Extra environment variables on top of this process's own. */
  env?: Record<string, string>;
}

/**
 * Starts `command` with stdin closed and output appended to `logPath`. The child dies with this
 * process: through the kernel's parent-death signal where setpriv exists, and through an exit
 * hook otherwise. Throws if the command cannot be spawned.
 */
export function startManagedProcess(opts: StartOptions): ManagedProcess {
  installExitHook();
  const log = openSync(opts.logPath, 'a');
  const [cmd, args] = SETPRIV
    ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', opts.command, ...opts.args]]
    : [opts.command, opts.args];
  let child: ChildProcess;
  try {
    // Own process group: a terminal's Ctrl-C reaches only us, and we stop the children in order.
    child = spawn(cmd, args, { stdio: ['ignore', log, log], detached: true, env: opts.env ? { ...process.env, ...opts.env } : process.env });
  } finally {
    closeSync(log);
  }
  if (child.pid === undefined) throw new Error(`${opts.name}: could not start ${opts.command}`);
  live.add(child);
  let stopping = false;
  let done = false;
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => {
      done = true;
      live.delete(child);
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (!stopping) opts.onUnexpectedExit?.(opts.name, how);
      resolve(how);
    });
  });
  return {
    name: opts.name,
    pid: child.pid,
    logPath: opts.logPath,
    exited,
    hasExited: () => done,
    async stop(graceMs = STOP_GRACE_MS) {
      stopping = true;
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The last `lines` lines of a log file, or a note saying why there are none. */
export function tailLog(path: string, lines = 40): string {
  if (!existsSync(path)) return `(no log at ${path})`;
  const text = readFileSync(path, 'utf8').trimEnd();
  return text.split('\n').slice(-lines).join('\n');
}

/** Resident set size in KiB of a running process (Linux /proc), or undefined if unknown. */
export function residentKiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m?.[1] ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
