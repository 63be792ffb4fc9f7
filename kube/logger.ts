import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { Logger } from './types.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** Lowest level written. Default: $LOG_LEVEL, else `info`. */
  level?: LogLevel;
  /** Where each JSON line goes (without its newline), synchronously. Default: process.stdout. */
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

/** Errors are not JSON-serialisable as such; keep their name and message (top-level fields). */
function plainErrors(fields: Record<string, unknown>): Record<string, unknown> {
  let plain = fields;
  for (const key in fields) {
    const value = fields[key];
    if (!(value instanceof Error)) continue;
    if (plain === fields) plain = { ...fields }; // never change the caller's object
    plain[key] = { name: value.name, message: value.message };
  }
  return plain;
}

/** Our `Logger` (message first, fields second) over a pino logger (fields first). */
function adapt(log: PinoLogger): Logger {
  return {
    debug: (msg, fields) => (fields === undefined ? log.debug(msg) : log.debug(fields, msg)),
    info: (msg, fields) => (fields === undefined ? log.info(msg) : log.info(fields, msg)),
    warn: (msg, fields) => (fields === undefined ? log.warn(msg) : log.warn(fields, msg)),
    error: (msg, fields) => (fields === undefined ? log.error(msg) : log.error(fields, msg)),
    child: (fields) => adapt(log.child(fields)),
  };
}

/**
 * A pino logger writing one JSON object per line: `{level, time, ...fields, msg}` with the level as
 * its name and `time` as an ISO string (no pid/hostname). Child loggers carry their fields into
 * every line (the reconcile id, controller, namespace and name travel this way). No buffering:
 * each line reaches `write` (or stdout) before the log call returns.
 */
export function createLogger(opts: LoggerOptions = {}, fields: Record<string, unknown> = {}): Logger {
  const { write, now } = opts;
  // pino hands a destination each line with its newline; `write` takes the line alone.
  const destination: DestinationStream = write === undefined ? process.stdout : { write: (chunk) => write(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk) };
  const log = pino(
    {
      level: opts.level ?? levelFromEnv(),
      base: null,
      timestamp: now === undefined ? pino.stdTimeFunctions.isoTime : () => `,"time":"${now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }), log: plainErrors },
    },
    destination,
  );
  return adapt(Object.keys(fields).length > 0 ? log.child(fields) : log);
}

/** A logger that drops everything (tests, and callers that want silence). */
export const silentLogger: Logger = adapt(pino({ enabled: false }, { write: () => undefined }));
