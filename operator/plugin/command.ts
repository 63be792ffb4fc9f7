/**
 * One `kubectl switchyard <name>` command. Each parses its own arguments (node:util parseArgs,
 * with CONNECTION_OPTIONS from context.ts) and returns the exit code: 0 success, 1 the cluster
 * or the object said no (not found, refused, a check failed), 2 a usage error.
 * It never throws for bad input or an unreachable cluster: it says what went wrong on stderr.
 */
export interface PluginCommand {
  /** The word after `kubectl switchyard`, e.g. `get`. */
  name: string;
  /** Usage lines for the help text, e.g. `get router NAME [-w]`. */
  synopsis: string[];
  /** One line: what it does. */
  summary: string;
  run(args: string[]): Promise<number>;
}
