import type { Resources } from './classify.ts';
import { formatProblem } from './load-documents.ts';
import { readResources } from './read-input.ts';
import { renderAll, type RenderOutput } from './render-all.ts';

/**
 * Filters that would be skipped (a failing patch, or a result Istio would refuse), as
 * `file#doc: IstioFilter namespace/name: skipped: <reason>`.
 */
function skippedFilterLines(resources: Resources, out: RenderOutput): string[] {
  const lines: string[] = [];
  for (const r of out.filterResults) {
    if (r.phase !== 'Skipped') continue;
    const filter = resources.filters.find((f) => f.metadata.namespace === r.namespace && f.metadata.name === r.name);
    const origin = filter ? resources.origins.get(filter) : undefined;
    lines.push(`${origin === undefined ? '' : `${origin}: `}IstioFilter ${r.namespace}/${r.name}: ${r.message ?? 'skipped'}`);
  }
  return lines;
}

/**
 * `switchyard validate`: schema and cross-field rules per document, then a trial render, which
 * catches what only rendering can: subset-name collisions, unsupported rate-limit matches, and
 * everything Istio's validation would refuse (core/istio/istio-rules.ts) in a Router's objects,
 * a RateLimit's regexes or a filter's result. Every problem names file and document.
 */
export function runValidate(files: string[], namespace: string, now: Date): number {
  const { resources, problems } = readResources(files, namespace);
  const lines = problems.map(formatProblem);
  if (problems.length === 0) {
    const out = renderAll(resources, now);
    for (const e of out.errors) lines.push(`${e.resource}: ${e.message}`);
    lines.push(...skippedFilterLines(resources, out));
  }
  for (const l of lines) console.error(l);
  const count = resources.routers.length + resources.filters.length + resources.rateLimits.length;
  if (lines.length > 0) {
    console.error(`switchyard validate: ${lines.length} problem(s)`);
    return 1;
  }
  console.log(`switchyard validate: ${count} resource(s) valid`);
  return 0;
}
