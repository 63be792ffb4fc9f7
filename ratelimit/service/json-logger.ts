/**
 * The rate-limit service logs through the runtime's structured logger (one JSON object per line,
 * `{time, level, msg, ...fields}`), so the service, its Kubernetes quota source and the controllers
 * share one format and one LOG_LEVEL.
 */
import { createLogger, silentLogger } from '../../kube/logger.ts';
import type { Logger } from '../../kube/types.ts';

export type { Logger };
export { silentLogger };

/** A logger writing JSON lines to `write` (default stdout); `now` is epoch ms (tests pin it). */
export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line), now: () => number = Date.now): Logger {
  return createLogger({ write: (line) => write(`${line}\n`), now: () => new Date(now()) });
}
