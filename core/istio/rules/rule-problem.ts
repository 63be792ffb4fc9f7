import { cutText } from '../../validation/cut-text.ts';

/**
 * One thing Istio's validating webhook (istiod) or the CRD's CEL rules would refuse: where it is,
 * the rule it breaks, and the value found there.
 */
export interface IstioRuleProblem {
  /** Dotted path inside the object, e.g. `spec.http[0].route[1].weight`. */
  path: string;
  /** The rule, worded for a person (`must be an RE2 regex: …`). */
  rule: string;
  value: unknown;
}

/** Collects problems while a rule walk goes through an object. */
export type ReportProblem = (path: string, rule: string | undefined, value: unknown) => void;

/** A reporter that appends to `into`; a `rule` of undefined means the value passed. */
export function collectInto(into: IstioRuleProblem[]): ReportProblem {
  return (path, rule, value) => {
    if (rule !== undefined) into.push({ path, rule, value });
  };
}

/** JSON of a value, cut (cutText) so one pasted blob cannot flood a status message. */
export function quoteValue(value: unknown): string {
  try {
    return cutText(JSON.stringify(value) ?? String(value));
  } catch {
    return typeof value;
  }
}

/** `spec.http[0].timeout: must be … (got "0.0000001s")`. */
export function formatRuleProblem(p: IstioRuleProblem): string {
  return `${p.path}: ${p.rule} (got ${quoteValue(p.value)})`;
}
