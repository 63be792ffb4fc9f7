import { DEFAULT_NAMESPACE } from '../api/meta.ts';
import { makeBeforeBreakPlan } from '../core/plan/make-before-break.ts';
import { planYaml, routerPlanLines, type RouterPlanText } from '../core/plan/plan-text.ts';
import type { DestinationRule, VirtualService } from '../core/istio/types.ts';
import { formatProblem } from './load-documents.ts';
import { planConflicts } from './plan-conflicts.ts';
import { readResources } from './read-input.ts';
import { renderAll } from './render-all.ts';

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
  const plans: RouterPlanText[] = [];
  for (const dr of drs) {
    const vs = vss.get(key(dr.metadata));
    if (!vs) continue;
    const steps = makeBeforeBreakPlan({ destinationRule: liveDr.get(key(dr.metadata)) ?? null, virtualService: liveVs.get(key(vs.metadata)) ?? null }, { destinationRule: dr, virtualService: vs });
    const router = desired.resources.routers.find((r) => key(r.metadata) === key(dr.metadata));
    // A create gets no walk note: a new Router starts at its declared weights.
    const walk = liveVs.has(key(vs.metadata)) ? router?.spec.progression : undefined;
    plans.push({ router: key(dr.metadata), steps, ...(walk === undefined ? {} : { walk }) });
  }
  if (output === 'yaml') process.stdout.write(planYaml(plans));
  else console.log(plans.flatMap(routerPlanLines).join('\n'));
  return 0;
}
