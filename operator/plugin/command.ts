import type { ParseArgsConfig } from 'node:util';

/** A command's own flags, as node:util parseArgs takes them (the connection flags come on top). */
export type CommandFlags = NonNullable<ParseArgsConfig['options']>;

/** What a positional argument names, for shell completion: a Router of the namespace, or one of fixed words. */
export type PositionalKind = 'router' | readonly string[];

/** How the shell completes a command's arguments (`kubectl_complete-switchyard`, see complete.ts). */
export interface CommandCompletion {
  /** The command's own flags: the options object its parseArgs call uses, so the two cannot drift. */
  flags: CommandFlags;
  /** Flags whose value is one of fixed words, e.g. `{ output: ['text', 'yaml'] }`. */
  flagValues?: Readonly<Record<string, readonly string[]>>;
  /** What the next positional names, given those already typed; undefined when it takes no more. */
  next(typed: readonly string[]): PositionalKind | undefined;
}

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
  completion: CommandCompletion;
  run(args: string[]): Promise<number>;
}

/** The completion of a command that names one Router. */
export const ONE_ROUTER = (typed: readonly string[]): PositionalKind | undefined => (typed.length === 0 ? 'router' : undefined);
/** The completion of a command that takes no positional argument. */
export const NO_POSITIONAL = (): undefined => undefined;
