/**
 * Field provenance for the dashboard's filter chains (core/explain, the same replay of the
 * layering that `switchyard render --explain` prints): per Router, the fields each IstioFilter
 * set, changed or removed in the final VirtualService and DestinationRule, and the whole annotated
 * text. The Router is explained at the weights it routes with now (a walk's current step).
 */
import { router as routerSchema } from '../../api/router.ts';
import { explainRouter } from '../../core/explain/explain-router.ts';
import { formatExplanation, originText, scalarText } from '../../core/explain/format-explanation.ts';
import type { FieldProvenance, Origin } from '../../core/explain/types.ts';
import { routerAtWeights, walkedWeights } from '../../core/progression/walk-router.ts';
import { usableFilters } from '../../core/router/router-routing.ts';
import type { KubeObject } from '../../kube/types.ts';

/** One field a filter decided. */
export interface FilterField {
  /** `VirtualService spec.http[0].fault.delay.fixedDelay`. */
  path: string;
  value: string;
  /** `set`, or `overwrote <value> set by <who>`, or `removed (was <value>, set by <who>)`. */
  effect: string;
}

export interface RouterProvenance {
  /** Fields by filter name (`namespace/name`), in the order the filter's patches decided them. */
  byFilter: Record<string, FilterField[]>;
  /** core/explain's text: the chain, then both objects with every field's origin. */
  text: string;
  /** Filters left out because the API server refused their result (as the controller leaves them out). */
  rejectedByServer: string[];
}

/** Provenance of one Router, or an error message when its spec or a filter cannot be explained. */
export type ProvenanceResult = { ok: true; provenance: RouterProvenance } | { ok: false; message: string };

function filterKey(origin: Origin): string | undefined {
  return origin.by === 'IstioFilter' ? `${origin.namespace}/${origin.name}` : undefined;
}

function fieldEffect(f: FieldProvenance): string {
  return f.overwrote === undefined ? 'set' : `overwrote ${scalarText(f.overwrote.value)} set by ${originText(f.overwrote.setBy)}`;
}

/**
 * A refusal the controller recorded on the filter's status for its current generation; the same
 * test as `kubectl switchyard explain` (operator/plugin/explain-command.ts), so both explain alike.
 */
function rejectedByServer(filter: KubeObject): boolean {
  const ready = (filter.status as { conditions?: { type?: string; reason?: string; observedGeneration?: number }[] } | undefined)?.conditions?.find((c) => c.type === 'Ready');
  return ready?.reason === 'RejectedByServer' && ready.observedGeneration === filter.metadata.generation;
}

export function routerProvenance(router: KubeObject, filters: readonly KubeObject[], now: Date): ProvenanceResult {
  const parsed = routerSchema.safeParse(router);
  if (!parsed.success) return { ok: false, message: `the Router does not match its schema (${parsed.error.issues[0]?.message ?? 'invalid'}): no provenance` };
  // As the controller layers them: filters that parse and are not being deleted, minus those whose result the API server refused.
  const refused = filters.filter(rejectedByServer);
  const usable = usableFilters(filters.filter((f) => !refused.includes(f)));
  const current = parsed.data.status?.progression?.current;
  const rendered = current === undefined || walkedWeights(parsed.data) === undefined ? parsed.data : routerAtWeights(parsed.data, current);
  try {
    const e = explainRouter(rendered, usable, now);
    const byFilter: Record<string, FilterField[]> = {};
    const add = (key: string | undefined, field: FilterField): void => {
      if (key !== undefined) (byFilter[key] ??= []).push(field);
    };
    for (const object of [e.virtualService, e.destinationRule]) {
      for (const f of object.fields) add(filterKey(f.setBy), { path: `${object.kind} ${f.path}`, value: scalarText(f.value), effect: fieldEffect(f) });
      for (const r of object.removed) add(filterKey(r.removedBy), { path: `${object.kind} ${r.path}`, value: scalarText(r.value), effect: `removed (was set by ${originText(r.setBy)})` });
    }
    return { ok: true, provenance: { byFilter, text: formatExplanation(e), rejectedByServer: refused.map((f) => f.metadata.name) } };
  } catch (err) {
    return { ok: false, message: `provenance unavailable: ${(err as Error).message}` };
  }
}
