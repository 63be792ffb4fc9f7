import { toYaml } from '../core/yaml-text.ts';
import { formatProblem } from './load-documents.ts';
import { readResources } from './read-input.ts';
import { renderAll, type RenderOutput } from './render-all.ts';

export { toYaml } from '../core/yaml-text.ts';

/** Reports filter results and orphans on stderr so stdout stays pure YAML. */
export function reportFilters(out: RenderOutput): void {
  for (const r of out.filterResults) {
    const failed = r.patches.filter((p) => !p.applied && p.reason).map((p) => `patch ${p.index} (${p.type}): ${p.reason}`);
    const detail = failed.length ? `: ${failed.join('; ')}` : r.message ? `: ${r.message}` : '';
    console.error(`# IstioFilter ${r.namespace}/${r.name}: ${r.phase} (position ${r.position}/${r.chainLength})${detail}`);
  }
  for (const f of out.orphanFilters) console.error(`# IstioFilter ${f}: Pending (no Router in the input matches its target)`);
  for (const r of out.pendingRateLimits) console.error(`# RateLimit ${r.resource}: Pending (${r.reason}); nothing rendered for it`);
}

/** `switchyard render`: prints rendered objects, or problems and exit code 1 — never a partial result. */
export function runRender(files: string[], namespace: string, now: Date): number {
  const { resources, problems } = readResources(files, namespace);
  if (problems.length > 0) {
    for (const p of problems) console.error(formatProblem(p));
    console.error(`switchyard render: ${problems.length} problem(s); nothing rendered`);
    return 1;
  }
  const out = renderAll(resources, now);
  if (out.errors.length > 0) {
    for (const e of out.errors) console.error(`${e.resource}: ${e.message}`);
    console.error(`switchyard render: ${out.errors.length} resource(s) failed to render; nothing rendered`);
    return 1;
  }
  reportFilters(out);
  if (out.objects.length > 0) process.stdout.write(toYaml(out.objects));
  return 0;
}
