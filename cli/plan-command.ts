import { DEFAULT_NAMESPACE } from '../api/meta.ts';
import type { Progression } from '../api/progression.ts';
import { DEFAULT_INTERVAL } from '../core/progression/walk.ts';
import { stepWeights } from '../core/progression/walk-steps.ts';
import { makeBeforeBreakPlan, type PlanStep } from '../core/plan/make-before-break.ts';
import type { DestinationRule, VirtualService } from '../core/istio/types.ts';
import { formatProblem } from './load-documents.ts';
import { planConflicts } from './plan-conflicts.ts';
import { readResources } from './read-input.ts';
import { renderAll } from './render-all.ts';
import { toYaml } from './render-command.ts';

const key = (m: { namespace?: string; name: string }): string => `${m.namespace ?? DEFAULT_NAMESPACE}/${m.name}`;

/** `switchyard plan`: the ordered make-before-break steps from the live objects to the desired ones. */
export function runPlan(files: string[], live: string[], namespace: string, output: string, now: Date): number {
  const desired = readResources(files, namespace);
  const current = readResources(live, namespace, true);
  const problems = [...desired.problems, ...current.problems];
  if (problems.length > 0) {
    for (const p of problems) console.error(formatProblem(p));
    console.error(`switchyard plan: ${problems.length} problem(s); no plan`);
    return 1;
  }
  const rendered = renderAll(desired.resources, now);
  if (rendered.errors.length > 0) {
    for (const e of rendered.errors) console.error(`${e.resource}: ${e.message}`);
    return 1;
  }
  // What the controller would refuse to overwrite is never planned: the plan stops here, as it does.
  const conflicts = planConflicts(desired.resources.routers, rendered.objects, current.resources);
  if (conflicts.length > 0) {
    for (const c of conflicts) console.error(c);
    console.error(`switchyard plan: ${conflicts.length} conflict(s); no plan`);
    return 1;
  }
  const liveDr = new Map(current.resources.destinationRules.map((d) => [key(d.metadata), d]));
  const liveVs = new Map(current.resources.virtualServices.map((v) => [key(v.metadata), v]));
  const drs = rendered.objects.filter((o): o is DestinationRule => o.kind === 'DestinationRule');
  const vss = new Map(rendered.objects.filter((o): o is VirtualService => o.kind === 'VirtualService').map((v) => [key(v.metadata), v]));
  const lines: string[] = [];
  const objects: unknown[] = [];
  for (const dr of drs) {
    const vs = vss.get(key(dr.metadata));
    if (!vs) continue;
    const steps = makeBeforeBreakPlan({ destinationRule: liveDr.get(key(dr.metadata)) ?? null, virtualService: liveVs.get(key(vs.metadata)) ?? null }, { destinationRule: dr, virtualService: vs });
    lines.push(`Router ${key(dr.metadata)}: ${steps.length === 0 ? 'up to date, nothing to apply' : `${steps.length} step(s)`}`);
    lines.push(...steps.flatMap(describeStep));
    const router = desired.resources.routers.find((r) => key(r.metadata) === key(dr.metadata));
    if (router?.spec.progression && steps.length > 0 && liveVs.has(key(vs.metadata))) lines.push(walkNote(router.spec.progression));
    objects.push(...steps.map((s) => s.object));
  }
  if (output === 'yaml') process.stdout.write(objects.length ? toYaml(objects) : '');
  else console.log(lines.join('\n'));
  return 0;
}

/**
 * A walked Router reaches the planned end state through the walk's steps, not in one go (a
 * Router created with progression starts at its declared weights, so a create gets no note).
 */
function walkNote(p: Progression): string {
  const shares = stepWeights(p).map((w) => `${w}%`).join(', ');
  return `  (spec.progression: the controller walks there from the promoted weights in steps of ${shares} of the way, ${p.interval ?? DEFAULT_INTERVAL} of analysis after each, then 100%; the steps above are those of the end state)`;
}

function describeStep(step: PlanStep): string[] {
  return [`  ${step.number}. ${step.action} ${step.kind} ${step.namespace}/${step.name}`, ...step.changes.map((c) => `       ${c}`)];
}
