import { planYaml, routerPlanLines } from '../../core/plan/plan-text.ts';
import { livePlan, PlanRefused, type LivePlan } from '../cluster/live-plan.ts';
import { ONE_ROUTER, type PluginCommand } from './command.ts';
import { connectWith, guarded, parseCommandArgs, printHelp, UsageError } from './command-args.ts';

const SYNOPSIS = ['plan ROUTER [-o text|yaml]'];
const SUMMARY = 'the make-before-break steps from what the cluster routes now to what ROUTER and its IstioFilters declare';

const weightsText = (w: Record<string, number>): string =>
  Object.entries(w)
    .map(([v, n]) => `${v}=${n}`)
    .join(',');

/** The plan as text: core's plan lines (as `switchyard plan` prints them), then what only the cluster knows. */
export function livePlanText(plan: LivePlan): string {
  const lines = routerPlanLines(plan.text);
  if (plan.service?.action === 'apply-service') lines.push(`  and first: create Service ${plan.router} (spec.ownService)`);
  if (plan.service?.action === 'delete-service') lines.push(`  and first: delete Service ${plan.router} (created by this Router; spec.ownService is off)`);
  const walk = plan.walk;
  if (walk !== undefined && (walk.phase === 'Progressing' || walk.phase === 'Paused' || walk.phase === 'RollingBack')) {
    lines.push(`  walk in progress: ${walk.phase}, step ${walk.step}/${walk.steps} at ${walk.canaryWeight}% (routing ${weightsText(walk.current)}; heading to ${weightsText(walk.target)})`);
  }
  const skipped = plan.filters.filter((f) => f.phase !== 'Applied');
  for (const f of skipped) lines.push(`  IstioFilter ${f.namespace}/${f.name}: ${f.phase}${f.message ? `: ${f.message}` : ''}`);
  return lines.join('\n');
}

const FLAGS = { output: { type: 'string', short: 'o', default: 'text' } } as const;

export const planCommand: PluginCommand = {
  name: 'plan',
  synopsis: SYNOPSIS,
  summary: SUMMARY,
  completion: { flags: FLAGS, flagValues: { output: ['text', 'yaml'] }, next: ONE_ROUTER },
  run: (args) =>
    guarded('plan', SYNOPSIS, async () => {
      const { values, positionals } = parseCommandArgs(args, FLAGS);
      if (values.help) return printHelp(SUMMARY, SYNOPSIS, ['-o, --output text|yaml   text (default): the steps; yaml: the object each step applies']);
      const [name, ...extra] = positionals;
      if (name === undefined) throw new UsageError('plan needs the ROUTER\'s name');
      if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
      if (values.output !== 'text' && values.output !== 'yaml') throw new UsageError(`-o/--output must be text or yaml (got ${JSON.stringify(values.output)})`);
      const ctx = connectWith(values);
      let plan: LivePlan;
      try {
        plan = await livePlan(ctx.client, ctx.namespace, name, ctx.now());
      } catch (err) {
        if (!(err instanceof PlanRefused)) throw err;
        ctx.err(`kubectl switchyard plan: no plan: ${err.message}`);
        return 1;
      }
      if (values.output === 'yaml') process.stdout.write(planYaml([plan.text]));
      else ctx.out(livePlanText(plan));
      return 0;
    }),
};
