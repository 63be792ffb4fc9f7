// Runs `kubectl switchyard` as users run it: the linked bin (operator/bin/kubectl-switchyard.js) in
// a child process, asynchronously, so controllers running in the test process keep working meanwhile.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from './eventually.ts';

export const REPO = join(import.meta.dirname, '..', '..');
/** The bin `npm ci` links as node_modules/.bin/kubectl-switchyard. */
export const PLUGIN_BIN = join(REPO, 'node_modules', '.bin', 'kubectl-switchyard');

export interface PluginResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args…` to its end (at most `timeoutMs`); exit code and both streams. */
export function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<PluginResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `kubectl-switchyard args…` on the pinned Node (the one running the tests). */
export function plugin(...args: string[]): Promise<PluginResult> {
  return runProcess(process.execPath, [PLUGIN_BIN, ...args]);
}

/** A long-running plugin (`get … -w`) whose output is read while it runs. */
export interface RunningPlugin {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
  /** Waits until stdout matches `pattern`; returns stdout then. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function startPlugin(...args: string[]): RunningPlugin {
  const child = spawn(process.execPath, [PLUGIN_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern, timeoutMs = 15_000) => eventually(`plugin output matching ${pattern}`, () => Promise.resolve(pattern.test(out) ? out : undefined), timeoutMs),
  };
}
