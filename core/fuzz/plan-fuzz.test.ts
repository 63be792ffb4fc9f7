/**
 * Fuzz test of makeBeforeBreakPlan on layered pairs (issue 10, item 7, property 3). The property
 * test beside the planner (core/plan/make-before-break.property.test.ts) draws Routers alone,
 * sometimes with a hand-made mirror; this one draws what it does not: desired and live pairs
 * rendered from random Routers *with random IstioFilters layered on* (JSON Patch ops adding or
 * removing subsets and routes, mirrors adding subsets, tcp routes), and live states it lacks (only
 * a DestinationRule, only a VirtualService routing to the whole service, a DestinationRule with
 * subsets nothing routes to, objects another tool relabelled). Invariant: after every step, every
 * subset the VirtualService sends to on the DestinationRule's host is defined there.
 *
 * A change of `spec.host` is left out on purpose: the planner moves the one DestinationRule to the
 * new host in its first step while the live VirtualService still routes to the old host's
 * subsets, a window of 503s that no order of these three steps avoids (a known limit, not handled
 * yet; with the host drawn, this test finds it at once).
 */
import { describe, expect, it } from 'vitest';
import { router as routerSchema } from '../../api/router.ts';
import { deepFreeze } from '../filters/layer-fixtures.ts';
import { istioRuleProblems } from '../istio/istio-rules.ts';
import type { DestinationRule, VirtualService } from '../istio/types.ts';
import { validateIstioObject } from '../istio/validate.ts';
import { destinationRuleSpecEqual } from '../plan/destination-rule-union.ts';
import { makeBeforeBreakPlan, type DesiredRouting, type LiveRouting, type PlanStep } from '../plan/make-before-break.ts';
import { applyStep, type LiveState } from '../plan/plan-fixtures.ts';
import { routerRouting } from '../router/router-routing.ts';
import { specEqual } from '../../lib/spec-equal.ts';
import { randomFilterDoc } from './filter-gen.test-support.ts';
import { describeInput } from './mutate.test-support.ts';
import { caseRng, chance, fuzzRun, int, pick, reproduce, type Rng } from './prng.test-support.ts';
import { randomRouterDoc } from './router-gen.test-support.ts';
import { NOW } from './routing-check.test-support.ts';

/** Each case plans up to three transitions; a few hundred stay well under a second or two. */
const CASES = 300;
const SEED = 0x91a7_2026;
/** Draws of a Router until one renders; most do, so this bound is never the limit in practice. */
const MAX_DRAWS = 20;
const IDENTITY = { name: 'web', namespace: 'shop' };
const LIVE_KINDS = ['none', 'layered', 'dr-only', 'vs-whole-service', 'orphan-subset', 'relabelled'] as const;
type LiveKind = (typeof LIVE_KINDS)[number];
/** Subset names only filters add (mirror with labels, JSON Patch on /subsets), never the renderer. */
const FILTER_SUBSETS = new Set(['shadow', 'canary-mirror', 'extra']);

/** A rendered and layered pair of a random Router named like IDENTITY (no `spec.host`: see the file comment). */
function layeredPair(rng: Rng): DesiredRouting {
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const doc = randomRouterDoc(rng, IDENTITY);
    delete (doc.spec as { host?: string }).host;
    const parsed = routerSchema.safeParse(doc);
    if (!parsed.success) continue;
    const spec = parsed.data.spec;
    const aim = { ...IDENTITY, host: `${IDENTITY.name}.${IDENTITY.namespace}.svc.cluster.local`, routes: spec.subsets.map((s) => s.branch) };
    const filters = Array.from({ length: int(rng, 5) }, (_, i) => randomFilterDoc(rng, aim, `f-${i}`));
    try {
      return routerRouting(parsed.data, filters as never, NOW).desired;
    } catch {
      continue;
    }
  }
  throw new Error(`no Router rendered in ${MAX_DRAWS} draws`);
}

function liveState(rng: Rng, kind: LiveKind): LiveState {
  if (kind === 'none') return { destinationRule: null, virtualService: null };
  const pair = structuredClone(layeredPair(rng));
  if (kind === 'dr-only') return { destinationRule: pair.destinationRule, virtualService: null };
  if (kind === 'vs-whole-service') {
    for (const list of ['http', 'tcp'] as const) for (const route of pair.virtualService.spec[list] ?? []) for (const d of route.route ?? []) delete d.destination.subset;
    for (const route of pair.virtualService.spec.http ?? []) delete route.mirrors;
    return { destinationRule: null, virtualService: pair.virtualService };
  }
  if (kind === 'orphan-subset') (pair.destinationRule.spec.subsets ??= []).push({ name: 'orphan', labels: { app: 'web', track: 'orphan' } });
  if (kind === 'relabelled') pair.virtualService.metadata.labels = { team: 'someone-else' };
  return pair;
}

/** A host as Istio resolves it (ResolveShortnameToFQDN): only a name without a dot is read in `namespace`. */
function fqdn(host: string, namespace: string): string {
  return host.includes('.') || host === '*' ? host : `${host}.${namespace}.svc.cluster.local`;
}

/** Every (host, subset) the VirtualService routes or mirrors to, hosts as Istio resolves them. */
function routedSubsets(vs: VirtualService): { host: string; subset: string }[] {
  const found: { host: string; subset: string }[] = [];
  const visit = (d: { host?: unknown; subset?: unknown } | undefined): void => {
    if (typeof d?.host === 'string' && typeof d.subset === 'string' && d.subset !== '') found.push({ host: fqdn(d.host, vs.metadata.namespace), subset: d.subset });
  };
  for (const list of ['http', 'tcp', 'tls'] as const) {
    for (const route of (vs.spec[list] ?? []) as { route?: { destination?: object }[]; mirror?: object; mirrors?: { destination?: object }[] }[]) {
      for (const r of route.route ?? []) visit(r.destination);
      visit(route.mirror);
      for (const m of route.mirrors ?? []) visit(m.destination);
    }
  }
  return found;
}

/**
 * What the live VirtualService sends to, on a host the DestinationRule serves or served during
 * this transition (`hosts`), that no DestinationRule defines for that host now: each a 503. The
 * planner's own referencedSubsets counts more (short hosts with a dot too), which is safe for it
 * but not the property: Istio reads `web.shop` as a host of its own.
 */
function missingOnHosts(state: LiveState, hosts: ReadonlySet<string>): string[] {
  if (!state.virtualService) return [];
  const dr = state.destinationRule;
  const drHost = dr ? fqdn(dr.spec.host, dr.metadata.namespace) : undefined;
  const defined = new Set((dr?.spec.subsets ?? []).map((s) => s.name));
  return routedSubsets(state.virtualService)
    .filter(({ host, subset }) => hosts.has(host) && (host !== drHost || !defined.has(subset)))
    .map(({ host, subset }) => `${subset} of ${host}`);
}

/** The hosts the live DestinationRule serves, as Istio resolves them. */
function drHosts(state: LiveState): string[] {
  return state.destinationRule ? [fqdn(state.destinationRule.spec.host, state.destinationRule.metadata.namespace)] : [];
}

function istioProblems(obj: DestinationRule | VirtualService): string[] {
  return [...validateIstioObject(obj).map((i) => `${i.path}: ${i.message}`), ...istioRuleProblems(obj).map((p) => `${p.path}: ${p.rule}`)];
}

/** Steps as [number, action, object], numbered from 1 as a fresh plan numbers them. */
const summary = (steps: PlanStep[]): unknown[][] => steps.map((s, i) => [i + 1, s.action, s.object]);

/** The property on one transition from `start` to `desired`; the live state it ends in. */
function checkTransition(start: LiveState, desired: DesiredRouting, where: string): LiveState {
  const hosts = new Set(drHosts(start));
  expect(missingOnHosts(start, hosts), `${where}: the live state the case starts from`).toEqual([]);
  const plan = makeBeforeBreakPlan(deepFreeze(structuredClone(start)) as LiveRouting, deepFreeze(structuredClone(desired)));
  expect(plan.map((s) => s.number), where).toEqual(plan.map((_, i) => i + 1));
  let state = start;
  for (const [k, step] of plan.entries()) {
    expect(summary(makeBeforeBreakPlan(state, desired)), `${where}: resumed before step ${k + 1}`).toEqual(summary(plan.slice(k)));
    expect(istioProblems(step.object), `${where}: step ${step.number} (${step.action}) writes what Istio refuses`).toEqual([]);
    state = applyStep(state, step);
    for (const host of drHosts(state)) hosts.add(host);
    expect(missingOnHosts(state, hosts), `${where}: after step ${step.number} (${step.action})`).toEqual([]);
  }
  expect(makeBeforeBreakPlan(state, desired), `${where}: converged`).toEqual([]);
  expect(destinationRuleSpecEqual(state.destinationRule?.spec ?? { host: '' }, desired.destinationRule.spec), `${where}: DR`).toBe(true);
  expect(specEqual(state.virtualService?.spec, desired.virtualService.spec), `${where}: VS`).toBe(true);
  return state;
}

describe('makeBeforeBreakPlan between layered pairs', () => {
  it(`keeps every routed subset defined at every step (${CASES} seeded cases)`, () => {
    const { seed, indices, full } = fuzzRun(SEED, CASES);
    const seen = { steps: 0, liveKinds: new Set<LiveKind>(), actions: new Set<string>(), layeredSubsets: 0 };
    for (const index of indices) {
      const rng = caseRng(seed, index);
      const kind = pick(rng, LIVE_KINDS);
      let state = liveState(rng, kind);
      seen.liveKinds.add(kind);
      const transitions = 1 + int(rng, 3);
      for (let t = 0; t < transitions; t++) {
        const desired = layeredPair(rng);
        const where = `${reproduce(seed, index)} live ${kind}, transition ${t}: ${describeInput({ live: state, desired }, 1_500)}`;
        const plan = makeBeforeBreakPlan(state, desired);
        plan.forEach((s) => seen.actions.add(s.action));
        seen.steps += plan.length;
        if ((desired.destinationRule.spec.subsets ?? []).some((s) => FILTER_SUBSETS.has(s.name))) seen.layeredSubsets++;
        state = checkTransition(state, desired, where);
        // Now and then another tool touches the live objects between two transitions.
        if (chance(rng, 0.2) && state.destinationRule) state = { ...state, destinationRule: { ...state.destinationRule, metadata: { ...state.destinationRule.metadata, annotations: { touched: 'yes' } } } };
      }
    }
    if (!full) return;
    expect(seen.liveKinds.size).toBe(LIVE_KINDS.length);
    expect(seen.actions.size).toBe(3);
    expect(seen.steps).toBeGreaterThan(CASES);
    expect(seen.layeredSubsets).toBeGreaterThan(CASES / 20);
  });
});
