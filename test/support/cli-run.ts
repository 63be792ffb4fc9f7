import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';

/** The CLI as users run it: `cli/bin/switchyard.js`, in a child process. */
export const CLI = join(import.meta.dirname, '..', '..', 'cli', 'bin', 'switchyard.js');
export const fixture = (name: string): string => join(import.meta.dirname, '..', 'fixtures', 'cli', name);
export const examples = join(import.meta.dirname, '..', '..', 'examples');

/** Runs the CLI with `args`; exit code and both streams. */
export function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A user never sees a stack trace: every problem is a message. */
export const noStackTrace = (text: string): void => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
