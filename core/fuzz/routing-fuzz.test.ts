/**
 * Fuzz test of rendering and layering (issue 10, item 7, properties 1 and 2): random Routers and
 * IstioFilters — mostly valid, some mutated (wrong types, unknown fields, huge strings, deep
 * nesting, prototype keys) — must never make the schema, renderRouter or the layering throw
 * anything but a RenderError, and what layering hands on must be what Istio accepts.
 * A failure names its seed and case, and shows the case shrunk.
 */
import { describe, expect, it } from 'vitest';
import { router as routerSchema, type Router } from '../../api/router.ts';
import { RenderError } from '../router/render-error.ts';
import { renderRouter } from '../router/render-router.ts';
import { caseRng, chance, fuzzRun, int, reproduce, type Rng } from './prng.test-support.ts';
import { randomFilterDoc, type FilterAim } from './filter-gen.test-support.ts';
import { describeInput, maybeMutate } from './mutate.test-support.ts';
import { randomRouterDoc, type Doc } from './router-gen.test-support.ts';
import { layeredProblems, routeCase, schemaNeverThrows, type Outcome } from './routing-check.test-support.ts';
import { shrink, type FuzzCase } from './shrink.test-support.ts';

/** Enough to draw every patch kind and edge value many times, in a few seconds. */
const CASES = 400;
/** Fixed so CI is deterministic; FUZZ_SEED explores others (see prng.test-support.ts). */
const SEED = 0x5a1d_2026;
/** Share of Routers and filters mutated after generation. */
const P_MUTATE_ROUTER = 0.2;
const P_MUTATE_FILTER = 0.15;
const MAX_FILTERS = 6;
/** Routers renamed to use prototype-member keys: each is one render, so this is cheap. */
const PROTOTYPE_CASES = 150;
/** Valid label keys and header names that are also members of every object's prototype. */
const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty'] as const;

function rendersAlone(router: Router): boolean {
  try {
    renderRouter(router);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Router with its branch label key, and the header names of its first header match, renamed
 * to Object.prototype member names (all valid label keys and header names), or undefined when it
 * already uses one of them.
 */
function withPrototypeKeys(router: Router): Router | undefined {
  const used = JSON.stringify([router.spec.labelKeys, router.spec.selector, router.spec.subsets.map((s) => s.match)]);
  if (PROTOTYPE_NAMES.some((n) => used.toLowerCase().includes(n.toLowerCase()))) return undefined;
  const spec = structuredClone(router.spec);
  spec.labelKeys = { ...spec.labelKeys, branch: 'constructor' };
  const matched = spec.subsets.find((s) => s.match?.headers !== undefined && Object.keys(s.match.headers).length > 0);
  if (matched?.match?.headers) {
    const entries = Object.entries(matched.match.headers);
    matched.match.headers = Object.fromEntries(entries.map(([, m], i) => [PROTOTYPE_NAMES[i % PROTOTYPE_NAMES.length] as string, m]));
  }
  return { ...router, metadata: { ...router.metadata }, spec };
}

function aimOf(doc: Doc): FilterAim {
  const metadata = doc.metadata as { name: string; namespace: string };
  const spec = doc.spec as { host?: string; subsets: { branch: string }[] };
  return {
    name: metadata.name,
    namespace: metadata.namespace,
    host: spec.host ?? `${metadata.name}.${metadata.namespace}.svc.cluster.local`,
    routes: spec.subsets.map((s) => s.branch),
  };
}

function drawCase(rng: Rng): FuzzCase & { mutations: string[] } {
  const raw = randomRouterDoc(rng);
  const aim = aimOf(raw);
  const router = maybeMutate(rng, raw, P_MUTATE_ROUTER);
  const filters = Array.from({ length: int(rng, MAX_FILTERS + 1) }, (_, i) => maybeMutate(rng, randomFilterDoc(rng, aim, `f-${i}`), chance(rng, 0.5) ? P_MUTATE_FILTER : 0));
  const mutations = [router.mutation, ...filters.map((f) => f.mutation)].filter((m): m is string => m !== undefined);
  return { routerDoc: router.doc, filterDocs: filters.map((f) => f.doc), mutations };
}

/** Properties 1 and 2 on one case: the failure, or the outcome for the counts. */
function check(c: FuzzCase): { failure?: string; outcome?: Outcome } {
  const schemaFailure = schemaNeverThrows(c.routerDoc, c.filterDocs);
  if (schemaFailure !== undefined) return { failure: schemaFailure };
  const parsed = routerSchema.safeParse(c.routerDoc);
  if (!parsed.success) return { outcome: { kind: 'unparsed' } };
  const routed = routeCase(parsed.data, c.filterDocs);
  if (routed.failure !== undefined || routed.outcome?.kind !== 'routed') return routed;
  const failure = layeredProblems(routed.outcome.routing);
  return failure === undefined ? routed : { failure };
}

describe('rendering and layering random Routers and IstioFilters', () => {
  it(`throws only RenderErrors and hands on only what Istio accepts (${CASES} seeded cases)`, () => {
    const { seed, indices, full } = fuzzRun(SEED, CASES);
    const seen = { unparsed: 0, renderErrors: 0, routed: 0, applied: 0, skipped: 0, expired: 0, mutated: 0, targeting: 0 };
    for (const index of indices) {
      const c = drawCase(caseRng(seed, index));
      const result = check(c);
      if (result.failure !== undefined) {
        const small = shrink(c, (candidate) => check(candidate).failure);
        const input = describeInput({ router: small.case.routerDoc, filters: small.case.filterDocs });
        expect.fail(`${reproduce(seed, index)}: ${small.failure ?? result.failure}\nmutations: ${c.mutations.join('; ') || 'none'}\nshrunk input: ${input}`);
      }
      if (c.mutations.length > 0) seen.mutated++;
      const outcome = result.outcome;
      if (outcome?.kind === 'unparsed') seen.unparsed++;
      if (outcome?.kind === 'render-error') seen.renderErrors++;
      if (outcome?.kind !== 'routed') continue;
      seen.routed++;
      seen.targeting += outcome.routing.filters.length;
      for (const r of outcome.routing.results) seen[r.phase === 'Applied' ? 'applied' : r.phase === 'Skipped' ? 'skipped' : 'expired']++;
    }
    // jsonPatch paths through __proto__ and constructor, and mutated keys, must not reach Object.prototype.
    expect(Object.prototype).not.toHaveProperty('polluted');
    if (process.env.FUZZ_VERBOSE) console.log(seen);
    if (!full) return;
    // The generators must keep reaching every outcome, or the properties above test little.
    expect(seen.routed).toBeGreaterThan(CASES / 4);
    expect(seen.unparsed).toBeGreaterThan(CASES / 10);
    expect(seen.renderErrors).toBeGreaterThan(CASES / 50);
    expect(seen.applied).toBeGreaterThan(CASES / 4);
    expect(seen.skipped).toBeGreaterThan(CASES / 4);
    expect(seen.expired).toBeGreaterThan(0);
    expect(seen.mutated).toBeGreaterThan(CASES / 5);
  });

  it(`treats keys named like Object.prototype members as ordinary keys (${PROTOTYPE_CASES} seeded cases)`, () => {
    const { seed, indices, full } = fuzzRun(SEED ^ 0x70, PROTOTYPE_CASES);
    let renamed = 0;
    for (const index of indices) {
      const doc = randomRouterDoc(caseRng(seed, index));
      const parsed = routerSchema.safeParse(doc);
      if (!parsed.success || !rendersAlone(parsed.data)) continue;
      const variant = withPrototypeKeys(parsed.data);
      if (variant === undefined) continue;
      renamed++;
      const rendered = routeCase(variant, []);
      expect(rendered.failure, reproduce(seed, index)).toBeUndefined();
      const why = rendered.outcome?.kind === 'render-error' ? rendered.outcome.error.message : undefined;
      expect(why, `${reproduce(seed, index)}: ${describeInput(variant)}`).toBeUndefined();
    }
    if (full) expect(renamed).toBeGreaterThan(PROTOTYPE_CASES / 4);
  });

  // Found by this fuzz test (FUZZ_SEED=1 FUZZ_CASES=2000, case 1105): kept as a fixed case, since
  // the default seed need not draw a deep trafficPolicy.
  it('reports a trafficPolicy nested too deeply to copy as the Router\'s RenderError', () => {
    let policy: unknown = 'leaf';
    for (let i = 0; i < 20_000; i++) policy = { nested: policy };
    const doc = { ...randomRouterDoc(caseRng(SEED, 0), { name: 'web', namespace: 'shop' }) };
    doc.spec = { port: 80, subsets: [{ branch: 'main' }], trafficPolicy: { connectionPool: policy } };
    const parsed = routerSchema.parse(doc);
    expect(() => renderRouter(parsed)).toThrow(RenderError);
    expect(() => renderRouter(parsed)).toThrow(/^spec\.trafficPolicy: must be an Istio TrafficPolicy, a few levels deep; this one is nested too deeply to copy/);
  });
});
