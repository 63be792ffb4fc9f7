import { parseDuration } from '../../core/duration.ts';
import { awaitCommand, COMMAND_ANNOTATION, CommandRefused, sendCommand, type Command } from '../cluster/progression-command.ts';
import type { RouterView } from '../cluster/router-view.ts';
import { ONE_ROUTER, type PluginCommand } from './command.ts';
import { connectWith, guarded, parseCommandArgs, printHelp, UsageError } from './command-args.ts';

/** How long a command waits for the controller to take it, unless --timeout says otherwise. */
export const DEFAULT_COMMAND_TIMEOUT = '30s';

const SUMMARIES: Record<Command, string> = {
  promote: 'jump the canary walk of ROUTER to its target weights (skips the remaining steps and analysis)',
  abort: 'roll the canary walk of ROUTER back to the last promoted weights',
  pause: 'hold the canary walk of ROUTER at its current step until resume or promote',
  resume: 'continue a paused canary walk of ROUTER',
};

const walkText = (v: RouterView): string => {
  const p = v.progression;
  return p === undefined ? 'no walk state' : `${p.phase}, step ${p.step}/${p.steps} at ${p.canaryWeight}%${p.message ? `: ${p.message}` : ''}`;
};

const FLAGS = { 'no-wait': { type: 'boolean' }, timeout: { type: 'string', default: DEFAULT_COMMAND_TIMEOUT } } as const;

function progressionCommand(verb: Command): PluginCommand {
  const synopsis = [`${verb} ROUTER [--no-wait] [--timeout 30s]`];
  return {
    name: verb,
    synopsis,
    summary: SUMMARIES[verb],
    completion: { flags: FLAGS, next: ONE_ROUTER },
    run: (args) =>
      guarded(verb, synopsis, async () => {
        const { values, positionals } = parseCommandArgs(args, FLAGS);
        if (values.help) {
          return printHelp(SUMMARIES[verb], synopsis, [`--no-wait       return once the annotation ${COMMAND_ANNOTATION} is written`, `--timeout DUR   how long to wait for the controller to take it (default ${DEFAULT_COMMAND_TIMEOUT})`]);
        }
        const [name, ...extra] = positionals;
        if (name === undefined) throw new UsageError(`${verb} needs the ROUTER's name`);
        if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
        let timeoutMs: number;
        try {
          timeoutMs = parseDuration(values.timeout, '--timeout');
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
        const ctx = connectWith(values);
        let sent;
        try {
          sent = await sendCommand(ctx.client, ctx.namespace, name, verb, ctx.now());
        } catch (err) {
          if (!(err instanceof CommandRefused)) throw err;
          ctx.err(`kubectl switchyard ${verb}: refused: ${err.message}`);
          return 1;
        }
        ctx.out(`${verb} requested for Router ${ctx.namespace}/${name}: annotation ${COMMAND_ANNOTATION}=${sent.value}\n  walk was ${walkText(sent.before)}`);
        if (values['no-wait'] === true) return 0;
        const taken = await awaitCommand(ctx.client, ctx.namespace, name, sent.value, timeoutMs);
        if (taken === undefined) {
          ctx.err(`kubectl switchyard ${verb}: the controller did not take ${sent.value} within ${values.timeout} (is the Switchyard controller running?); the annotation stays and it acts on it when it sees it`);
          return 1;
        }
        ctx.out(`taken by the controller: Router phase ${taken.phase ?? 'unknown'}\n  walk now ${walkText(taken)}`);
        return 0;
      }),
  };
}

/** promote, abort, pause and resume, in that order. */
export const progressionCommands: readonly PluginCommand[] = (['promote', 'abort', 'pause', 'resume'] as const).map(progressionCommand);
