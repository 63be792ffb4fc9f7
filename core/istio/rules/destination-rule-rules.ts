/**
 * Rules on a DestinationRule spec (istio/istio pkg/config/validation ValidateDestinationRule,
 * validateSubset) plus the CRD's CEL duration rules on its traffic policies.
 */
import destinationRuleSpec from '../schemas/destination-rule.json' with { type: 'json' };
import { celDurationProblems } from './cel-durations.ts';
import { labelProblems } from './http-match-rules.ts';
import { subsetNameRule, wildcardHostRule } from './names.ts';
import type { ReportProblem } from './rule-problem.ts';
import { recordsOf, type Fields } from './walk.ts';

/** Every rule on a DestinationRule spec (paths start at `spec`). */
export function destinationRuleProblems(spec: Fields, report: ReportProblem): void {
  if (typeof spec.host === 'string') report('spec.host', wildcardHostRule(spec.host), spec.host);
  const seen = new Set<string>();
  for (const [i, subset] of recordsOf(spec.subsets)) {
    const at = `spec.subsets[${i}]`;
    if (typeof subset.name === 'string') {
      report(`${at}.name`, subsetNameRule(subset.name), subset.name);
      if (seen.has(subset.name)) report(`${at}.name`, `subset names must be unique (duplicate "${subset.name}")`, subset.name);
      seen.add(subset.name);
    }
    labelProblems(subset.labels, `${at}.labels`, report);
  }
  celDurationProblems(destinationRuleSpec, spec, 'spec', report);
}
