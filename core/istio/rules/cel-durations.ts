/**
 * The CEL rules the Istio CRDs put on duration fields (`duration(self) >= duration('1ms')` on
 * timeouts, delays, retries, connection-pool and outlier-detection times), evaluated by walking
 * the CRD's own spec schema beside the object: the fields checked are exactly those the API
 * server checks, at the pinned Istio version (core/istio/schemas/).
 */
import { minDurationRule } from './duration.ts';
import type { ReportProblem } from './rule-problem.ts';
import { fieldPath, isRecord, type Fields } from './walk.ts';

const DURATION_RULE = "duration(self) >= duration('1ms')";
const CEL_VALIDATIONS = 'x-kubernetes-validations';

/** Whether a schema node, or any below it, carries the duration rule; computed once per node. */
const holdsRule = new WeakMap<Fields, boolean>();

function hasDurationRule(schema: Fields): boolean {
  const rules = schema[CEL_VALIDATIONS];
  return Array.isArray(rules) && rules.some((r: unknown) => isRecord(r) && r.rule === DURATION_RULE);
}

function children(schema: Fields): Fields[] {
  const out: Fields[] = [];
  if (isRecord(schema.properties)) for (const s of Object.values(schema.properties)) if (isRecord(s)) out.push(s);
  if (isRecord(schema.items)) out.push(schema.items);
  if (isRecord(schema.additionalProperties)) out.push(schema.additionalProperties);
  return out;
}

function anyRuleBelow(schema: Fields): boolean {
  let found = holdsRule.get(schema);
  if (found === undefined) {
    found = hasDurationRule(schema) || children(schema).some(anyRuleBelow);
    holdsRule.set(schema, found);
  }
  return found;
}

/** Reports every field of `value` (at `path`) that breaks a duration rule of `schema`. */
export function celDurationProblems(schema: Fields, value: unknown, path: string, report: ReportProblem): void {
  if (!anyRuleBelow(schema)) return;
  if (hasDurationRule(schema)) report(path, minDurationRule(value), value);
  if (Array.isArray(value) && isRecord(schema.items)) {
    const items = schema.items;
    value.forEach((item: unknown, i) => celDurationProblems(items, item, `${path}[${i}]`, report));
    return;
  }
  if (!isRecord(value)) return;
  const properties = isRecord(schema.properties) ? schema.properties : {};
  for (const [key, child] of Object.entries(value)) {
    const sub = properties[key] ?? schema.additionalProperties;
    if (isRecord(sub)) celDurationProblems(sub, child, fieldPath(path, key), report);
  }
}
