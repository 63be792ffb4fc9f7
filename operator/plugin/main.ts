import type { PluginCommand } from './command.ts';
import { COMMANDS } from './commands.ts';
import { runCompletion } from './complete.ts';

/** The hidden first argument the completion executable passes. */
export const COMPLETE_COMMAND = '__complete';

const CONNECTION_HELP = `Connection flags (as kubectl's): --kubeconfig FILE, --context NAME, -n/--namespace NS, -A/--all-namespaces`;

/** The help text, built from the commands themselves so it cannot drift from them. */
export function usage(commands: readonly PluginCommand[] = COMMANDS): string {
  const lines = commands.flatMap((c) => c.synopsis.map((s) => `  kubectl switchyard ${s}`));
  const width = Math.max(0, ...commands.map((c) => c.name.length));
  const summaries = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'kubectl switchyard — watch and steer Switchyard Routers, IstioFilters and RateLimits in a live cluster',
    '',
    'Usage:',
    ...lines,
    '',
    ...summaries,
    '',
    CONNECTION_HELP,
    'Exit codes: 0 success, 1 the cluster or an object said no, 2 usage error.',
  ].join('\n');
}

/** Dispatches argv (without node and the script) to a command; returns the exit code. */
export async function run(argv: string[], commands: readonly PluginCommand[] = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  // Hidden: kubectl's completion hook (bin/kubectl_complete-switchyard.js) runs the plugin with it.
  if (name === COMPLETE_COMMAND) return runCompletion(rest, commands);
  if (!name || name === '-h' || name === '--help' || name === 'help') {
    console.log(usage(commands));
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`kubectl switchyard: unknown command ${JSON.stringify(name)}\n\n${usage(commands)}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // Commands report their own failures; this is the last guard against a stack trace.
    console.error(`kubectl switchyard ${name}: ${(err as Error).message}`);
    return 1;
  }
}
