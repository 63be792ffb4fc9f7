import { parseArgs, type ParseArgsConfig } from 'node:util';
import { clusterErrorMessage } from '../cluster/read-routers.ts';
import { CONNECTION_OPTIONS, pluginContext, type PluginContext } from './context.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A command line that cannot be run: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Parses a command's arguments with the connection flags added (kubectl's --kubeconfig, --context,
 * -n, -A); throws UsageError for an unknown flag or a missing value, naming it.
 */
export function parseCommandArgs<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...CONNECTION_OPTIONS, help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The API server this process connected to, for messages about reaching it. */
let connectedServer: string | undefined;

/** Connects as kubectl would with these flags; a kubeconfig that cannot be read is a plain error message. */
export function connectWith(values: { kubeconfig?: string; context?: string; namespace?: string; 'all-namespaces'?: boolean }): PluginContext {
  const ctx = pluginContext({ kubeconfig: values.kubeconfig, context: values.context, namespace: values.namespace, allNamespaces: values['all-namespaces'] });
  connectedServer = ctx.client.kubeConfig.getCurrentCluster()?.server;
  return ctx;
}

/**
 * Runs a command body and maps what it throws to the exit codes of command.ts: UsageError → 2 with
 * the usage lines, anything else (not found, refused, unreachable) → 1 with a one-line reason.
 */
export async function guarded(name: string, synopsis: readonly string[], body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`kubectl switchyard ${name}: ${err.message}\nUsage:\n${synopsis.map((s) => `  kubectl switchyard ${s}`).join('\n')}\n`);
      return 2;
    }
    process.stderr.write(`kubectl switchyard ${name}: ${clusterErrorMessage(err, connectedServer)}\n`);
    if (process.env.SWITCHYARD_DEBUG) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return 1;
  }
}

/** Prints a command's help (its synopsis and the connection flags) on stdout. */
export function printHelp(summary: string, synopsis: readonly string[], flags: readonly string[]): number {
  const lines = [summary, '', 'Usage:', ...synopsis.map((s) => `  kubectl switchyard ${s}`), '', 'Flags:', ...flags.map((f) => `  ${f}`), '  --kubeconfig FILE, --context NAME, -n/--namespace NS, -A/--all-namespaces (as kubectl\'s)'];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
