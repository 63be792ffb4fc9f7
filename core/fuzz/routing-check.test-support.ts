/**
 * The properties the routing fuzz test checks on one case (test support), as functions returning
 * what went wrong (undefined when nothing did), so a failing case can be shrunk by dropping
 * filters and patches while the same check still fails.
 */
import { KINDS } from '../../api/kinds.ts';
import { istioFilter } from '../../api/istio-filter.ts';
import { router as routerSchema, type Router } from '../../api/router.ts';
import { layerFilters } from '../filters/layer-filters.ts';
import { filterNamespace } from '../filters/sort-filters.ts';
import { istioRuleProblems, missingSubsetReason, routingPairProblems } from '../istio/istio-rules.ts';
import type { DestinationRule, VirtualService } from '../istio/types.ts';
import { validateIstioObject } from '../istio/validate.ts';
import { RenderError } from '../router/render-error.ts';
import { renderRouter, type RouterObjects } from '../router/render-router.ts';
import { routerRouting, type CachedObject, type RouterRouting } from '../router/router-routing.ts';
import { unknownResourceFields } from '../validation/unknown-fields.ts';
import { deepFreeze } from '../filters/layer-fixtures.ts';
import type { Doc } from './router-gen.test-support.ts';

export const NOW = new Date('2030-01-01T12:00:00Z');

/** What one case came to, for the generator-quality counts. */
export type Outcome =
  | { kind: 'unparsed' }
  | { kind: 'render-error'; error: RenderError }
  | { kind: 'routed'; routing: RouterRouting };

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 6).join('\n') ?? ''}` : String(error);
}

/** Runs `fn`; a throw becomes a failure text naming `what`. */
function noThrow<T>(what: string, fn: () => T): { value?: T; failure?: string } {
  try {
    return { value: fn() };
  } catch (error) {
    return { failure: `${what} threw ${errorText(error)}` };
  }
}

/** Property 1, schema side: parsing and the unknown-field walk never throw, on any input. */
export function schemaNeverThrows(routerDoc: Doc, filterDocs: Doc[]): string | undefined {
  const kinds = new Map(KINDS.map((k) => [k.kind, k]));
  for (const [doc, schema, kind] of [[routerDoc, routerSchema, 'Router'], ...filterDocs.map((d) => [d, istioFilter, 'IstioFilter'] as const)] as const) {
    const parsed = noThrow(`${kind} schema safeParse`, () => schema.safeParse(doc));
    if (parsed.failure) return parsed.failure;
    if (parsed.value && !parsed.value.success && parsed.value.error.issues.length === 0) return `${kind} schema refused the input without an issue`;
    const info = kinds.get(kind);
    const unknown = info && noThrow(`unknownResourceFields(${kind})`, () => unknownResourceFields(info, doc));
    if (unknown?.failure) return unknown.failure;
  }
  return undefined;
}

/** Filter documents as an informer cache could hold them: objects with a metadata object. */
export function cacheable(docs: Doc[]): CachedObject[] {
  return docs.filter((d) => typeof d.metadata === 'object' && d.metadata !== null && !Array.isArray(d.metadata)) as unknown as CachedObject[];
}

/**
 * Property 1, render side: renderRouter throws nothing but a RenderError, and once it renders,
 * routerRouting (render + layering) throws nothing at all, leaves its frozen inputs alone and
 * gives equal output for equal input.
 */
export function routeCase(router: Router, filterDocs: Doc[]): { outcome?: Outcome; failure?: string } {
  deepFreeze(router);
  // New top-level objects: routerRouting remembers parses by object identity.
  const fresh = (): CachedObject[] => cacheable(filterDocs.map((d) => ({ ...d })));
  const cached = deepFreeze(fresh());
  let base: RouterObjects;
  try {
    base = renderRouter(router);
  } catch (error) {
    if (error instanceof RenderError) return { outcome: { kind: 'render-error', error } };
    return { failure: `renderRouter threw something other than a RenderError: ${errorText(error)}` };
  }
  const first = noThrow('routerRouting', () => routerRouting(router, cached, NOW));
  if (first.failure !== undefined || first.value === undefined) return { failure: first.failure };
  const again = routerRouting(router, fresh(), NOW);
  // Not `filters`: those are the parsed inputs, which may hold the deep-nesting mutation's values.
  const output = (r: RouterRouting): string => JSON.stringify([r.base, r.desired, r.results]);
  if (output(again) !== output(first.value)) return { failure: 'routerRouting gave different output for equal input' };
  if (JSON.stringify(first.value.base) !== JSON.stringify(base)) return { failure: 'routerRouting rendered another base than renderRouter' };
  return { outcome: { kind: 'routed', routing: first.value } };
}

function objectProblems(obj: VirtualService | DestinationRule): string[] {
  return [...validateIstioObject(obj).map((i) => `${obj.kind} schema ${i.path}: ${i.message}`), ...istioRuleProblems(obj).map((p) => `${obj.kind} rule ${p.path}: ${p.rule}`)];
}

/**
 * Property 2: what layering hands on (the desired pair) is what Istio accepts — schema, Istio's
 * rules, the pair keeping the Router's host, every subset defined — and a Skipped or Expired
 * filter leaves no trace: layering only the Applied filters gives the same objects.
 */
export function layeredProblems(routing: RouterRouting): string | undefined {
  const { virtualService: vs, destinationRule: dr } = routing.desired;
  const problems = [
    ...objectProblems(vs),
    ...objectProblems(dr),
    ...routingPairProblems(vs, dr, routing.base.destinationRule.spec.host).map((p) => `pair ${p.problem.path}: ${p.problem.rule}`),
    ...(routing.base.service ? validateIstioObject(routing.base.service).map((i) => `Service ${i.path}: ${i.message}`) : []),
  ];
  const missing = missingSubsetReason(vs, dr);
  if (missing !== undefined) problems.push(missing);
  if (problems.length > 0) return `the layered objects are refused (filters: ${phases(routing)}): ${problems.slice(0, 5).join('; ')}`;
  for (const r of routing.results) {
    const applied = r.patches.filter((p) => p.applied).length;
    if (r.phase === 'Applied' && applied !== r.patches.length) return `filter ${r.name} is Applied with a patch not applied`;
    // A Skipped filter's status may say an earlier patch "applied on its own" (layer-filters.test.ts); one patch at least did not.
    if (r.phase !== 'Applied' && applied === r.patches.length) return `filter ${r.name} is ${r.phase} with every patch applied`;
  }
  const appliedNames = new Set(routing.results.filter((r) => r.phase === 'Applied').map((r) => `${r.namespace}/${r.name}`));
  const appliedOnly = routing.filters.filter((f) => appliedNames.has(`${filterNamespace(f)}/${f.metadata.name}`));
  const replay = layerFilters(routing.base, appliedOnly, NOW);
  if (replay.results.some((r) => r.phase !== 'Applied')) return `an Applied filter is not Applied when layered without the Skipped ones (${phases(routing)})`;
  if (JSON.stringify([replay.virtualService, replay.destinationRule]) !== JSON.stringify([vs, dr])) {
    return `a Skipped or Expired filter left a trace: layering only the Applied ones gives other objects (${phases(routing)})`;
  }
  return undefined;
}

function phases(routing: RouterRouting): string {
  return routing.results.map((r) => `${r.name}=${r.phase}`).join(', ') || 'none';
}
