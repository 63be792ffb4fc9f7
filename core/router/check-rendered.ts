/**
 * The last check of renderRouter: the objects it rendered must pass the Istio schema and Istio's
 * rules, or the Router is refused (Invalid) rather than written — and the IstioFilters layered on
 * it are never blamed for the Router's own error. The Router fields that become Istio names are
 * checked earlier, naming their own field (router-rules.ts); what reaches this check is mostly
 * `spec.trafficPolicy`, which the DestinationRule carries at the same path.
 */
import { istioRuleProblems } from '../istio/istio-rules.ts';
import type { DestinationRule, VirtualService } from '../istio/types.ts';
import { validateIstioObject } from '../istio/validate.ts';
import { RenderError } from './render-error.ts';

const TRAFFIC_POLICY = 'spec.trafficPolicy';
const PATH_SEGMENT = /([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;

/** The value at a dotted path as validate.ts and istio-rules.ts write them (`spec.a[0]["x-y"]`). */
function valueAtPath(obj: unknown, path: string): unknown {
  let current = obj;
  for (const m of path.matchAll(PATH_SEGMENT)) {
    if (typeof current !== 'object' || current === null) return undefined;
    const key = m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3] ?? '""') as string));
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** The Router field behind a rendered path: the traffic policy is the Router's own, elsewhere the object is named. */
function routerField(obj: VirtualService | DestinationRule, path: string): string {
  const own = obj.kind === 'DestinationRule' && (path === TRAFFIC_POLICY || path.startsWith(`${TRAFFIC_POLICY}.`));
  return own ? path : `${obj.kind} ${path}`;
}

/** @throws RenderError for the first schema issue or rule problem of the rendered objects. */
export function checkRendered(objects: { destinationRule: DestinationRule; virtualService: VirtualService }): void {
  for (const obj of [objects.destinationRule, objects.virtualService]) {
    const issue = validateIstioObject(obj)[0];
    if (issue) {
      // The schema's message ends with the value it got; RenderError adds it again.
      throw new RenderError(routerField(obj, issue.path), issue.message.replace(/, got .*$/s, ''), valueAtPath(obj, issue.path));
    }
    const problem = istioRuleProblems(obj)[0];
    if (problem) throw new RenderError(routerField(obj, problem.path), problem.rule, problem.value);
  }
}
