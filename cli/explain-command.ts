import { stringify } from 'yaml';
import { explainRouter } from '../core/explain/explain-router.ts';
import { formatExplanation } from '../core/explain/format-explanation.ts';
import type { Explanation } from '../core/explain/types.ts';
import { filtersTargeting } from '../core/filters/filters-targeting.ts';
import { formatProblem } from './load-documents.ts';
import { readResources } from './read-input.ts';
import { YAML_OPTIONS } from '../core/yaml-text.ts';

/**
 * `switchyard render --explain`: for each Router of the input, its final VirtualService and
 * DestinationRule with the origin of every field, as `kubectl switchyard explain` shows them for
 * the live cluster. Output `text` (annotated YAML), `json` or `yaml` (the Explanation objects).
 * Exit 1 with every problem when the input is invalid or a Router cannot be rendered.
 */
export function runExplain(files: string[], namespace: string, output: string, now: Date): number {
  const { resources, problems } = readResources(files, namespace);
  if (problems.length > 0) {
    for (const p of problems) console.error(formatProblem(p));
    console.error(`switchyard render --explain: ${problems.length} problem(s); nothing explained`);
    return 1;
  }
  const explanations: Explanation[] = [];
  const errors: string[] = [];
  for (const router of resources.routers) {
    try {
      explanations.push(explainRouter(router, resources.filters, now));
    } catch (err) {
      errors.push(`Router ${router.metadata.namespace}/${router.metadata.name}: ${(err as Error).message}`);
    }
  }
  if (errors.length > 0) {
    for (const e of errors) console.error(e);
    console.error(`switchyard render --explain: ${errors.length} Router(s) failed to render; nothing explained`);
    return 1;
  }
  const claimed = new Set(resources.routers.flatMap((r) => filtersTargeting(r, resources.filters)));
  for (const f of resources.filters) if (!claimed.has(f)) console.error(`# IstioFilter ${f.metadata.namespace}/${f.metadata.name}: Pending (no Router in the input matches its target)`);
  if (explanations.length === 0) console.error('switchyard render --explain: no Router in the input; nothing to explain');
  if (output === 'json') process.stdout.write(`${JSON.stringify(explanations, null, 2)}\n`);
  else if (output === 'yaml') process.stdout.write(explanations.map((e) => stringify(e, YAML_OPTIONS)).join('---\n'));
  else process.stdout.write(explanations.map(formatExplanation).join('\n'));
  return 0;
}
