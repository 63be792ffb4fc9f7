import { ROUTER, resourcePath } from '../cluster/kinds.ts';
import type { CommandFlags, PluginCommand } from './command.ts';
import { CONNECTION_OPTIONS, connect, type ConnectionFlags } from './context.ts';

/**
 * Shell completion for `kubectl switchyard …`. kubectl (1.26+) completes a plugin's arguments by
 * running `kubectl_complete-<plugin>` from PATH with the words typed after the plugin's name, the
 * last one being the word under the cursor ('' for a new word); it reads one completion per line
 * and, on the last line, `:<n>`, a Cobra ShellCompDirective.
 */
export const DIRECTIVE = {
  /** Let the shell complete file names (for --kubeconfig). */
  default: 0,
  /** Offer only the words printed, never file names. */
  noFileComp: 4,
} as const;

export interface Completions {
  words: string[];
  directive: number;
}

/** Where names come from: the cluster and kubeconfig the typed connection flags point at. */
export interface CompletionSource {
  routers(flags: ConnectionFlags): Promise<string[]>;
  namespaces(flags: ConnectionFlags): Promise<string[]>;
  contexts(flags: ConnectionFlags): string[];
}

interface Typed {
  positionals: string[];
  connection: ConnectionFlags;
  /** A flag that takes a value and has none yet: the word under the cursor is its value. */
  awaiting?: string;
}

/** Reads the words before the cursor the way parseArgs would, without failing on anything. */
function readTyped(words: readonly string[], flags: CommandFlags): Typed {
  const byShort = new Map(Object.entries(flags).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  const typed: Typed = { positionals: [], connection: {} };
  const values: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') {
      typed.positionals.push(...words.slice(i + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      typed.positionals.push(word);
      continue;
    }
    const [spelled, inline] = word.startsWith('--') ? [word.slice(2).split('=')[0]!, word.includes('=') ? word.slice(word.indexOf('=') + 1) : undefined] : [byShort.get(word.slice(1, 2)) ?? '', word.length > 2 ? word.slice(2) : undefined];
    const name = byShort.get(spelled) ?? spelled;
    if (flags[name]?.type !== 'string') continue;
    const value = inline ?? words[i + 1];
    if (inline === undefined) i++;
    if (value === undefined) typed.awaiting = name;
    else values[name] = value;
  }
  typed.connection = { kubeconfig: values.kubeconfig, context: values.context, namespace: values.namespace };
  return typed;
}

const matching = (words: readonly string[], prefix: string): string[] => words.filter((w) => w.startsWith(prefix));

/** The completions of `kubectl switchyard <words…>`; the last word is the one under the cursor. */
export async function complete(words: readonly string[], commands: readonly PluginCommand[], source: CompletionSource): Promise<Completions> {
  const partial = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const none: Completions = { words: [], directive: DIRECTIVE.noFileComp };
  if (before.length === 0) return { words: matching([...commands.map((c) => c.name), 'help'], partial), directive: DIRECTIVE.noFileComp };
  const command = commands.find((c) => c.name === before[0]);
  if (!command) return none;
  const flags: CommandFlags = { ...CONNECTION_OPTIONS, help: { type: 'boolean', short: 'h' }, ...command.completion.flags };
  const typed = readTyped(before.slice(1), flags);
  try {
    if (typed.awaiting === 'kubeconfig') return { words: [], directive: DIRECTIVE.default };
    if (typed.awaiting === 'namespace') return { words: matching(await source.namespaces(typed.connection), partial), directive: DIRECTIVE.noFileComp };
    if (typed.awaiting === 'context') return { words: matching(source.contexts(typed.connection), partial), directive: DIRECTIVE.noFileComp };
    if (typed.awaiting !== undefined) return { words: matching(command.completion.flagValues?.[typed.awaiting] ?? [], partial), directive: DIRECTIVE.noFileComp };
    if (partial.startsWith('-')) return { words: matching(Object.keys(flags).map((f) => `--${f}`), partial), directive: DIRECTIVE.noFileComp };
    const kind = command.completion.next(typed.positionals);
    if (kind === undefined) return none;
    return { words: matching(kind === 'router' ? await source.routers(typed.connection) : kind, partial), directive: DIRECTIVE.noFileComp };
  } catch {
    // A cluster that cannot be reached completes nothing: a Tab never prints an error into the prompt.
    return none;
  }
}

/** How long a Tab may wait for the API server. */
const LOOKUP_TIMEOUT_MS = 3_000;

interface NameList {
  items?: { metadata: { name: string } }[];
}

const names = (list: NameList): string[] => (list.items ?? []).map((i) => i.metadata.name).sort();

/** Names from the cluster the typed flags connect to, with the user's credentials. */
export const CLUSTER_SOURCE: CompletionSource = {
  async routers(flags) {
    const { client, namespace } = connect(flags);
    return names(await client.get<NameList>(resourcePath(ROUTER, namespace), { signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) }));
  },
  async namespaces(flags) {
    const { client } = connect(flags);
    return names(await client.get<NameList>('/api/v1/namespaces', { signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS) }));
  },
  contexts(flags) {
    return connect({ ...flags, context: undefined }).client.kubeConfig.getContexts().map((c) => c.name);
  },
};

/** `kubectl_complete-switchyard <words…>`: prints the completions and the directive line; always exit 0. */
export async function runCompletion(words: readonly string[], commands: readonly PluginCommand[], source: CompletionSource = CLUSTER_SOURCE): Promise<number> {
  const { words: found, directive } = await complete(words, commands, source);
  process.stdout.write([...found, `:${directive}`].join('\n') + '\n');
  return 0;
}
