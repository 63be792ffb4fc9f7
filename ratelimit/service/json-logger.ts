/** Structured logging: one JSON object per line. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger writing JSON lines `{time, level, msg, ...fields}` to `write` (default stdout). */
export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line), now: () => number = Date.now): Logger {
  const log = (level: string) => (msg: string, fields: Record<string, unknown> = {}) =>
    write(`${JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...fields })}\n`);
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
