import { expiringFilters, verifiedWithoutIstiod } from './check-controllers.ts';
import { duplicateRateLimits } from './check-rate-limits.ts';
import { foreignRoutesToSubsets, subsetsWithoutPods } from './check-subsets.ts';
import { parseObjects } from './parse-objects.ts';
import type { AnalyzeInput, Finding, Severity } from './types.ts';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Checks that span objects, as `istioctl analyze` does for Istio's: subsets without pods (SY0101),
 * foreign VirtualServices on Switchyard subsets (SY0201), RateLimits counting twice (SY0301),
 * filters about to expire (SY0401/SY0402), verified Routers without istiod (SY0501/SY0502), and
 * Switchyard objects failing their schema (SY0001). Pure; findings sorted by severity, then
 * object, then code.
 */
export function analyze(input: AnalyzeInput): Finding[] {
  const parsed = parseObjects(input);
  const findings = [
    ...parsed.invalid,
    ...subsetsWithoutPods(input),
    ...foreignRoutesToSubsets(input),
    ...duplicateRateLimits(input, parsed),
    ...expiringFilters(input, parsed),
    ...verifiedWithoutIstiod(input, parsed),
  ];
  const key = (f: Finding): string => `${f.object.namespace ?? ''}/${f.object.kind}/${f.object.name}/${f.code}`;
  return findings.sort((a, b) => RANK[a.severity] - RANK[b.severity] || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Exit code like istioctl analyze: 1 when a finding is at least `failOn` severe (default error), else 0. */
export function analyzeExitCode(findings: readonly Finding[], failOn: 'error' | 'warning' = 'error'): number {
  return findings.some((f) => RANK[f.severity] <= RANK[failOn]) ? 1 : 0;
}

/** `Error [SY0101] (DestinationRule shop/reviews) message`, one line per finding, istioctl-style. */
export function formatFindings(findings: readonly Finding[], scope: string): string {
  if (findings.length === 0) return `✔ No validation issues found when analyzing ${scope}.`;
  const lines = findings.map((f) => {
    const severity = f.severity[0]!.toUpperCase() + f.severity.slice(1);
    const ref = f.object.namespace ? `${f.object.kind} ${f.object.namespace}/${f.object.name}` : `${f.object.kind} ${f.object.name}`;
    return `${severity} [${f.code}] (${ref}) ${f.message}`;
  });
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  return [...lines, '', `${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info when analyzing ${scope}.`].join('\n');
}
