import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ; 100 on Linux x86-64). */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat, fields 14 and 15). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Field 3 (state) is index 0 here, so utime (14) and stime (15) are at 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Peak resident set size in MiB (VmHWM from /proc/<pid>/status). */
export function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
  if (m?.[1] === undefined) throw new Error(`/proc/${pid}/status: no VmHWM line`);
  return Number(m[1]) / 1024;
}

/** Redis's own counters: commands executed and CPU seconds used, from INFO. */
export interface RedisCounters {
  commands: number;
  cpuSeconds: number;
}

/**
 * Reads `INFO stats` and `INFO cpu`. total_commands_processed counts every command Redis
 * executed, those a Lua script runs included (one EVALSHA running GET and SET counts 3), so
 * scripted and plain counting (the reference's INCRBY + EXPIRE: 2) compare as work done.
 */
export async function redisCounters(admin: Redis): Promise<RedisCounters> {
  const text = `${await admin.info('stats')}\n${await admin.info('cpu')}`;
  const field = (name: string) => {
    const m = new RegExp(`^${name}:([0-9.]+)`, 'm').exec(text);
    if (m?.[1] === undefined) throw new Error(`Redis INFO: no ${name} field`);
    return Number(m[1]);
  };
  return { commands: field('total_commands_processed'), cpuSeconds: field('used_cpu_user') + field('used_cpu_sys') };
}

/** Commands the measurement itself sends between two readings (two INFO calls). */
export const OWN_COMMANDS_PER_READING = 2;
