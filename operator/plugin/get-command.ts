import { readRouterViews } from '../cluster/read-routers.ts';
import type { RouterView } from '../cluster/router-view.ts';
import { RouterWatch } from '../cluster/watch-routers.ts';
import type { PluginCommand, PositionalKind } from './command.ts';
import { connectWith, guarded, parseCommandArgs, printHelp, UsageError } from './command-args.ts';
import type { PluginContext } from './context.ts';
import { routersTableText, routerTreesText } from './router-text.ts';

const SYNOPSIS = ['get routers [-A] [-w]', 'get router NAME [-w]'];
const SUMMARY = 'show Routers: a table of all, or the tree of one (branches, weights, step, walk, filters, generated objects)';
const ROUTER_WORDS = new Set(['router', 'routers', 'rt']);
/** Clears the terminal and moves to its top, as `watch` does. */
const CLEAR_SCREEN = '\x1b[2J\x1b[H';

interface GetRequest {
  name: string | undefined;
  watch: boolean;
}

function request(positionals: string[], watch: boolean): GetRequest {
  const [kind, name, ...extra] = positionals;
  if (kind === undefined) throw new UsageError('missing what to get: routers, or router NAME');
  if (!ROUTER_WORDS.has(kind)) throw new UsageError(`cannot get ${JSON.stringify(kind)}: only routers (router, rt) are shown`);
  if (kind === 'router' && name === undefined) throw new UsageError('get router needs a NAME (or use get routers for all of them)');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  return { name, watch };
}

/** The text of one rendering: the tree of the named Router, else the table. */
function render(ctx: PluginContext, req: GetRequest, views: readonly RouterView[]): string {
  if (req.name !== undefined) return views.length === 0 ? `Router ${ctx.namespace}/${req.name}: deleted` : routerTreesText(views, ctx.now());
  if (views.length === 0) return ctx.allNamespaces ? 'No Routers found.' : `No Routers found in namespace ${ctx.namespace}.`;
  return routersTableText(views, ctx.now(), ctx.allNamespaces);
}

/**
 * `-w`: redraws on every change the watch reports (no polling) until SIGINT or SIGTERM. On a
 * terminal the screen is cleared before each drawing; otherwise each drawing follows the last
 * after a blank line and a `--- <time>` header, so a pipe or a test reads them in order.
 */
async function watchLoop(ctx: PluginContext, req: GetRequest, first: string): Promise<number> {
  const tty = process.stdout.isTTY === true;
  const show = (text: string, header: boolean): void => {
    if (tty) process.stdout.write(`${CLEAR_SCREEN}${text}\n`);
    else process.stdout.write(header ? `\n--- ${ctx.now().toISOString()}\n${text}\n` : `${text}\n`);
  };
  let last = first;
  show(first, false);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const watch = new RouterWatch({
    client: ctx.client,
    namespace: ctx.allNamespaces && req.name === undefined ? undefined : ctx.namespace,
    ...(req.name === undefined ? {} : { name: req.name }),
    onChange: (views) => {
      const text = render(ctx, req, views);
      if (text === last) return;
      last = text;
      show(text, true);
    },
  });
  try {
    await watch.start(stop.signal);
    if (!stop.signal.aborted) await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await watch.stop();
  }
}

const FLAGS = { watch: { type: 'boolean', short: 'w' } } as const;

/** `get` completes a kind word, then the Router's name after `router`/`rt`. */
function next(typed: readonly string[]): PositionalKind | undefined {
  if (typed.length === 0) return ['routers', 'router', 'rt'];
  return typed.length === 1 && typed[0] !== 'routers' ? 'router' : undefined;
}

export const getCommand: PluginCommand = {
  name: 'get',
  synopsis: SYNOPSIS,
  summary: SUMMARY,
  completion: { flags: FLAGS, next },
  run: (args) =>
    guarded('get', SYNOPSIS, async () => {
      const { values, positionals } = parseCommandArgs(args, FLAGS);
      if (values.help) return printHelp(SUMMARY, SYNOPSIS, ['-w, --watch   redraw on every change (a watch, not polling) until Ctrl-C']);
      const req = request(positionals, values.watch === true);
      const ctx = connectWith(values);
      // The first drawing is a plain read: an unknown Router or an unreachable cluster fails here, clearly.
      const views = await readRouterViews(ctx.client, { namespace: ctx.allNamespaces && req.name === undefined ? undefined : ctx.namespace, ...(req.name === undefined ? {} : { name: req.name }) });
      const text = render(ctx, req, views);
      if (!req.watch) {
        ctx.out(text);
        return 0;
      }
      return watchLoop(ctx, req, text);
    }),
};
