import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startManagedProcess } from './managed-process.ts';
import { waitUntilReady } from './readiness.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-mp-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Running, not merely a zombie: an orphan is reaped by whatever init the machine has, maybe late. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('managed processes', () => {
  it('reports a process that dies before it is ready, quoting its log', async () => {
    const crashes: string[] = [];
    const proc = startManagedProcess({
      name: 'crasher',
      command: 'sh',
      args: ['-c', 'echo "listen failed: port in use"; exit 3'],
      logPath: join(dir, 'crasher.log'),
      onUnexpectedExit: (name, how) => crashes.push(`${name} ${how}`),
    });
    await expect(waitUntilReady(proc, 'ready', async () => false, 10_000)).rejects.toThrow(
      /crasher exited \(code 3\) before ready; last lines of .*crasher\.log:\nlisten failed: port in use/,
    );
    expect(crashes).toEqual(['crasher code 3']);
  });

  it('stops with SIGTERM and does not count that as a failure', async () => {
    const crashes: string[] = [];
    const proc = startManagedProcess({ name: 'sleeper', command: 'sleep', args: ['60'], logPath: join(dir, 'sleeper.log'), onUnexpectedExit: (n) => crashes.push(n) });
    await proc.stop();
    expect(await proc.exited).toBe('signal SIGTERM');
    expect(alive(proc.pid)).toBe(false);
    expect(crashes).toEqual([]);
  });

  it('kills children when the process that started them is SIGKILLed', async () => {
    const script = `
      import { startManagedProcess } from ${JSON.stringify(new URL('./managed-process.ts', import.meta.url).href)};
      const p = startManagedProcess({ name: 'orphan', command: 'sleep', args: ['60'], logPath: ${JSON.stringify(join(dir, 'orphan.log'))} });
      console.log(p.pid);
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
    expect(alive(pid)).toBe(false);
  });
});
