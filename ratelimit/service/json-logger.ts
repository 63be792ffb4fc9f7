/**
 * The rate-limit service logs through the runtime's pino logger (one JSON object per line,
 * `{level, time, ...fields, msg}`), so the service, its Kubernetes quota source and the controllers
 * share one format and one LOG_LEVEL.
 */
import { createLogger, silentLogger } from '../../kube/logger.ts';
import type { Logger } from '../../kube/types.ts';

export type { Logger };
export { silentLogger };

/**
 * A logger writing newline-terminated JSON lines to `write` (default: straight to stdout); `now` is
 * epoch ms (tests pin it; default the system clock).
 */
export function jsonLogger(write?: (line: string) => void, now?: () => number): Logger {
  return createLogger({ write: write && ((line) => write(`${line}\n`)), now: now && (() => new Date(now())) });
}
