import { formatProblem } from './load-documents.ts';
import { readResources } from './read-input.ts';
import { renderAll } from './render-all.ts';

/**
 * `switchyard validate`: schema and cross-field rules per document, then a trial render (which
 * catches what only rendering can: subset-name collisions, unsupported rate-limit matches).
 */
export function runValidate(files: string[], namespace: string, now: Date): number {
  const { resources, problems } = readResources(files, namespace);
  const lines = problems.map(formatProblem);
  if (problems.length === 0) {
    for (const e of renderAll(resources, now).errors) lines.push(`${e.resource}: ${e.message}`);
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
