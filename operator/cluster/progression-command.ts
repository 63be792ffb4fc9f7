/**
 * promote / abort / pause / resume: a human's command to a canary walk, written as the annotation
 * `switchyard.io/progression=<verb>@<token>` (core/progression/walk.ts). The controller acts on each
 * distinct value once and records it in `status.progression.command`; the token makes every
 * command a new value. The write is a JSON merge patch with the user's own credentials.
 */
import { HttpMethod } from '@kubernetes/client-node';
import { COMMAND_ANNOTATION, COMMANDS, type Command } from '../../core/progression/walk.ts';
import { CONTENT_TYPE, isConflict, type KubeClient } from '../../kube/kube-client.ts';
import { ROUTER, resourcePath } from './kinds.ts';
import { readRouter } from './read-routers.ts';
import { routerView, type RouterView } from './router-view.ts';
import { RouterWatch } from './watch-routers.ts';

export { COMMAND_ANNOTATION, COMMANDS, type Command } from '../../core/progression/walk.ts';

/** Field manager of the plugin's and the dashboard's writes (visible in managedFields). */
export const OPERATOR_FIELD_MANAGER = 'kubectl-switchyard';

export function isCommand(word: string): word is Command {
  return (COMMANDS as readonly string[]).includes(word);
}

/**
 * Why the controller would not act on `verb` for this Router, if it would not. It acts only on a
 * walk in progress (phase Progressing or Paused; core/progression/walk.ts applyCommand); pause on a
 * walk already paused, or resume on one that is not, changes nothing and is refused here too.
 */
export function commandRefusal(view: RouterView, verb: Command): string | undefined {
  const id = `Router ${view.namespace}/${view.name}`;
  if (view.walk === undefined) return `${id} has no spec.progression: its weights apply at once, there is no walk to ${verb}`;
  const p = view.progression;
  if (p === undefined) return `${id} has no walk state yet (status.progression is empty: has the controller reconciled it?)`;
  if (p.phase !== 'Progressing' && p.phase !== 'Paused') {
    return `${id}: no walk in progress to ${verb} (progression phase ${p.phase}${p.phase === 'Promoted' ? ': change the default branch\'s weights to start one' : ''})`;
  }
  if (verb === 'pause' && p.phase === 'Paused') return `${id}: the walk is already paused at step ${p.step}/${p.steps} (resume or promote it)`;
  if (verb === 'resume' && p.phase !== 'Paused') return `${id}: the walk is not paused (phase ${p.phase}, step ${p.step}/${p.steps}); nothing to resume`;
  return undefined;
}

/** The thing the controller was refused, so the caller can tell it apart from a failed write. */
export class CommandRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandRefused';
  }
}

/** A new annotation value for `verb`: the verb and a token unique to this request. */
export function commandValue(verb: Command, now: Date): string {
  return `${verb}@${now.getTime().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36).padStart(3, '0')}`;
}

export interface SentCommand {
  /** The annotation value written, e.g. `promote@m3k9x2a1b`. */
  value: string;
  /** The Router's view just before the write (the state the command was checked against). */
  before: RouterView;
}

/**
 * Checks `verb` against the Router's current walk and writes the command annotation with a merge
 * patch conditioned on the resourceVersion that was checked (a walk that moved in between is read
 * and checked again). Throws RouterNotFoundError, CommandRefused, or the API server's error.
 */
export async function sendCommand(client: KubeClient, namespace: string, name: string, verb: Command, now: Date = new Date()): Promise<SentCommand> {
  for (let attempt = 0; ; attempt++) {
    const router = await readRouter(client, namespace, name);
    const before = routerView(router, []);
    const refusal = commandRefusal(before, verb);
    if (refusal !== undefined) throw new CommandRefused(refusal);
    const value = commandValue(verb, now);
    const body = { metadata: { resourceVersion: router.metadata.resourceVersion, annotations: { [COMMAND_ANNOTATION]: value } } };
    try {
      await client.request(HttpMethod.PATCH, resourcePath(ROUTER, namespace, name), { body, contentType: CONTENT_TYPE.merge, query: { fieldManager: OPERATOR_FIELD_MANAGER } });
      return { value, before };
    } catch (err) {
      if (isConflict(err) && attempt < 4) continue;
      throw err;
    }
  }
}

/**
 * Waits (watching, not polling) until the controller has acted on the command `value`
 * (`status.progression.command === value`); resolves to the Router's view then, or undefined when
 * `timeoutMs` passes first or `signal` aborts.
 */
export async function awaitCommand(client: KubeClient, namespace: string, name: string, value: string, timeoutMs: number, signal?: AbortSignal): Promise<RouterView | undefined> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  const onAbort = (): void => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let found: RouterView | undefined;
  let resolveFound: (() => void) | undefined;
  const taken = new Promise<void>((resolve) => (resolveFound = resolve));
  const watch = new RouterWatch({
    client,
    namespace,
    name,
    debounceMs: 0,
    onChange: (views) => {
      const view = views[0];
      if (view?.progression?.command === value) {
        found = view;
        resolveFound?.();
      }
    },
  });
  try {
    const aborted = new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([watch.start(stop.signal).then(() => taken), aborted]);
    return found;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    await watch.stop();
  }
}
