import type { Logger } from './types.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** Lowest level written. Default: $LOG_LEVEL, else `info`. */
  level?: LogLevel;
  /** Where each JSON line goes. Default: process.stdout. */
  write?: (line: string) => void;
  /** Clock for the `time` field. Default: the system clock. */
  now?: () => Date;
}

/** Reads LOG_LEVEL; an unknown value is an error naming the variable, the value and the choices. */
export function levelFromEnv(env: Record<string, string | undefined> = process.env): LogLevel {
  const raw = env.LOG_LEVEL?.trim().toLowerCase();
  if (!raw) return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
}

/** Errors are not JSON-serialisable as such; keep their message and name. */
function plain(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/**
 * A logger writing one JSON object per line: `{time, level, msg, ...fields}`. Child loggers carry
 * their fields into every line (the reconcile id, controller, namespace and name travel this way).
 */
export function createLogger(opts: LoggerOptions = {}, fields: Record<string, unknown> = {}): Logger {
  const min = LOG_LEVELS.indexOf(opts.level ?? levelFromEnv());
  const write = opts.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const now = opts.now ?? (() => new Date());
  const log = (level: LogLevel) => (msg: string, extra: Record<string, unknown> = {}) => {
    if (LOG_LEVELS.indexOf(level) < min) return;
    const entry: Record<string, unknown> = { time: now().toISOString(), level, msg, ...fields };
    for (const [k, v] of Object.entries(extra)) entry[k] = plain(v);
    write(JSON.stringify(entry));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => createLogger({ ...opts, level: LOG_LEVELS[min] ?? 'info', write, now }, { ...fields, ...more }),
  };
}

/** A logger that drops everything (tests, and callers that want silence). */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => undefined });
