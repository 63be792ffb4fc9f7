/**
 * What an operator sees of one Router: a plain view model built from the objects the API server
 * holds (the Router and the IstioFilters of its namespace). Pure: the plugin's `get router`, its
 * `-w` watch and the dashboard all build their pictures from it, so they cannot disagree.
 *
 * The shapes here are a contract with the dashboard: fields are only ever added.
 */
import type { IstioFilter } from '../../api/istio-filter.ts';
import type { Condition, GeneratedRef } from '../../api/meta.ts';
import { DEFAULT_NAMESPACE } from '../../api/meta.ts';
import { progression as progressionSchema, type ProgressionStatus } from '../../api/progression.ts';
import { routerSpec, routerStatus, type RouterSpec, type RouterStatus } from '../../api/router.ts';
import { filterTarget, filterTargets } from '../../core/filters/filters-targeting.ts';
import { sortFilters } from '../../core/filters/sort-filters.ts';
import { COMMAND_ANNOTATION, DEFAULT_FAILURE_LIMIT, DEFAULT_INTERVAL } from '../../core/progression/walk.ts';
import { stepWeights } from '../../core/progression/walk-steps.ts';
import { routerHost } from '../../core/router/router-host.ts';

/** A Router or IstioFilter as the API server returns it: plain JSON, read leniently. */
export interface ClusterObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    creationTimestamp?: string;
    annotations?: Record<string, string>;
  };
  spec?: unknown;
  status?: unknown;
}

export interface VersionView {
  version: string;
  /** The weight `spec` declares (0–100). */
  declared: number;
  /**
   * The weight routed now: for the default branch the controller's `status.weights` (the walk's
   * current step while a canary walks), for a sandbox the declared one. Undefined when the
   * controller has not reported the default branch's weights yet.
   */
  live: number | undefined;
}

export interface BranchView {
  branch: string;
  /** The default (main) branch carries the canary; the others are sandboxes. */
  default: boolean;
  /** Empty: the branch has no version split (every pod of the branch). */
  versions: VersionView[];
  /** How requests from outside the branch's own sidecars are recognised, e.g. `header x-branch=box-1`, `baggage`. */
  match: string[];
}

/** `status.step`: the make-before-break step in progress. */
export interface StepView {
  number: number;
  total: number;
  action: string;
  kind: string;
  name: string;
  startedAt?: string;
  /** Verified propagation: proxies that confirmed the step, of those checked. */
  confirmedProxies?: number;
  checkedProxies?: number;
  message?: string;
}

export interface CheckView {
  name: string;
  verdict: 'Pass' | 'Fail' | 'Unknown';
  value?: number;
  /** e.g. `>= 99`, `<= 500`. */
  threshold: string;
  message?: string;
  at: string;
}

/** `status.progression` with what `spec.progression` declares around it. */
export interface ProgressionView {
  phase: ProgressionStatus['phase'];
  step: number;
  steps: number;
  /** The step's share of the way from `from` to `target`, in %. */
  canaryWeight: number;
  from: Record<string, number>;
  target: Record<string, number>;
  current: Record<string, number>;
  promoted: Record<string, number>;
  failures: number;
  unknowns: number;
  /** `spec.progression.failureLimit` (default 2). */
  failureLimit: number;
  stepStartedAt?: string;
  nextStepAt?: string;
  message?: string;
  checks: CheckView[];
  /** The last command annotation value the controller acted on (`status.progression.command`). */
  command?: string;
}

/** What `spec.progression` declares: the walk's step shares, analysis interval and pauses. */
export interface WalkSpecView {
  stepWeights: number[];
  interval: string;
  pauseAt: number[];
  failureLimit: number;
  checks: string[];
}

export interface PatchView {
  index: number;
  type: string;
  /** From the filter's status; undefined before the controller reported it. */
  applied?: boolean;
  reason?: string;
}

/** One IstioFilter of the Router's chain. */
export interface FilterView {
  namespace: string;
  name: string;
  /** 1-based position in the order the filters apply (core/filters/sort-filters). */
  order: number;
  priority: number;
  target: { router?: string; host?: string };
  expiresAt?: string;
  creationTimestamp?: string;
  patches: PatchView[];
  /** `status.phase`: Applied, PartiallyApplied, Skipped, Expired, Pending or Invalid. */
  phase?: string;
  /** `status.position` / `status.chainLength` as the controller reported them. */
  position?: number;
  chainLength?: number;
  message?: string;
  conditions: Condition[];
  observedGeneration?: number;
  generation?: number;
}

export interface RouterView {
  namespace: string;
  name: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  host: string;
  port?: number;
  protocol?: string;
  /** Propagation mode (`settle` or `verified`). */
  propagation: 'settle' | 'verified';
  /** `status.phase`: Ready, Progressing, Paused, RolledBack, Degraded, Conflict, Invalid, PruneHeld… */
  phase?: string;
  observedGeneration?: number;
  /** `status.weights` as written, e.g. `v1=90,v2=10`. */
  weights?: string;
  branches: BranchView[];
  step?: StepView;
  /** `spec.progression`, when the Router walks its canary. */
  walk?: WalkSpecView;
  progression?: ProgressionView;
  /** The `switchyard.io/progression` annotation, and whether the controller has acted on it. */
  command?: { value: string; acknowledged: boolean };
  conditions: Condition[];
  filters: FilterView[];
  generated: GeneratedRef[];
  /** What could not be read (a spec or status that fails its schema). */
  problems: string[];
}

const namespaceOf = (o: ClusterObject): string => o.metadata.namespace ?? DEFAULT_NAMESPACE;

/** Parses `v1=90,v2=10` (status.weights); unparsable pieces are left out. */
export function parseWeights(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const piece of (text ?? '').split(',')) {
    const eq = piece.lastIndexOf('=');
    if (eq <= 0) continue;
    const n = Number(piece.slice(eq + 1));
    if (Number.isFinite(n)) out[piece.slice(0, eq).trim()] = n;
  }
  return out;
}

function branchViews(spec: RouterSpec, status: RouterStatus | undefined): BranchView[] {
  const main = spec.subsets.find((s) => s.default === true) ?? spec.subsets[0];
  const live = status?.weights === undefined ? undefined : parseWeights(status.weights);
  return spec.subsets.map((s) => {
    const isDefault = s === main;
    const declared = s.versions ?? {};
    // Versions the walk routes to that the spec no longer declares still carry traffic: show them.
    const names = [...Object.keys(declared), ...(isDefault && live ? Object.keys(live).filter((v) => !(v in declared)) : [])];
    const versions = names.map((version) => ({
      version,
      declared: declared[version] ?? 0,
      live: isDefault ? (live === undefined ? undefined : (live[version] ?? 0)) : declared[version],
    }));
    const match = [
      ...Object.entries(s.match?.headers ?? {}).map(([h, m]) => `header ${h}${m.exact !== undefined ? `=${m.exact}` : m.prefix !== undefined ? ` prefix ${m.prefix}` : ` ~ ${m.regex ?? ''}`}`),
      ...(s.match?.baggage === true ? ['baggage'] : []),
    ];
    return { branch: s.branch, default: isDefault, versions, match };
  });
}

function progressionView(p: ProgressionStatus, failureLimit: number): ProgressionView {
  return {
    phase: p.phase,
    step: p.step,
    steps: p.steps,
    canaryWeight: p.canaryWeight,
    from: p.from,
    target: p.target,
    current: p.current,
    promoted: p.promoted,
    failures: p.failures,
    unknowns: p.unknowns,
    failureLimit,
    ...(p.stepStartedAt === undefined ? {} : { stepStartedAt: p.stepStartedAt }),
    ...(p.nextStepAt === undefined ? {} : { nextStepAt: p.nextStepAt }),
    ...(p.message === undefined ? {} : { message: p.message }),
    checks: (p.checks ?? []).map((c) => ({ ...c })),
    ...(p.command === undefined ? {} : { command: p.command }),
  };
}

/** The filters targeting `router` (core/filters filterTargets), in the order they apply (sortFilters). */
export function filterChain(router: ClusterObject, filters: readonly ClusterObject[]): ClusterObject[] {
  const targeting = filters.filter((f) => filterTargets(f, router));
  // sortFilters reads only spec.priority and metadata; a filter failing its schema still sorts.
  return sortFilters(targeting as unknown as IstioFilter[]) as unknown as ClusterObject[];
}

function filterView(f: ClusterObject, order: number): FilterView {
  const spec = (f.spec ?? {}) as Partial<IstioFilter['spec']>;
  const status = (f.status ?? {}) as NonNullable<IstioFilter['status']>;
  const results = new Map((status.patches ?? []).map((p) => [p.index, p]));
  const patches: PatchView[] = (Array.isArray(spec.patches) ? spec.patches : []).map((p, index) => {
    const type = Object.keys(p ?? {}).find((k) => (p as Record<string, unknown>)[k] !== undefined) ?? '?';
    const r = results.get(index);
    return { index, type: r?.type ?? type, ...(r === undefined ? {} : { applied: r.applied }), ...(r?.reason === undefined ? {} : { reason: r.reason }) };
  });
  const target = filterTarget(f);
  return {
    namespace: namespaceOf(f),
    name: f.metadata.name,
    order,
    priority: typeof spec.priority === 'number' ? spec.priority : 0,
    target: { ...(target.router === undefined ? {} : { router: target.router }), ...(target.host === undefined ? {} : { host: target.host }) },
    ...(typeof spec.expiresAt === 'string' ? { expiresAt: spec.expiresAt } : {}),
    ...(f.metadata.creationTimestamp === undefined ? {} : { creationTimestamp: f.metadata.creationTimestamp }),
    patches,
    ...(status.phase === undefined ? {} : { phase: status.phase }),
    ...(status.position === undefined ? {} : { position: status.position }),
    ...(status.chainLength === undefined ? {} : { chainLength: status.chainLength }),
    ...(status.message === undefined ? {} : { message: status.message }),
    conditions: Array.isArray(status.conditions) ? status.conditions : [],
    ...(status.observedGeneration === undefined ? {} : { observedGeneration: status.observedGeneration }),
    ...(f.metadata.generation === undefined ? {} : { generation: f.metadata.generation }),
  };
}

/**
 * The view of one Router given the IstioFilters of its namespace (others are ignored). Never
 * throws: a spec or status failing its schema is named in `problems` and shown as far as it reads.
 */
export function routerView(router: ClusterObject, filters: readonly ClusterObject[]): RouterView {
  const problems: string[] = [];
  const spec = routerSpec.safeParse(router.spec);
  if (!spec.success) problems.push(`spec does not match the Router schema: ${spec.error.issues[0]?.message ?? 'invalid'} (at ${spec.error.issues[0]?.path.join('.') ?? ''})`);
  const status = routerStatus.safeParse(router.status ?? {});
  if (!status.success) problems.push(`status does not match the Router schema: ${status.error.issues[0]?.message ?? 'invalid'}`);
  const s = spec.success ? spec.data : undefined;
  const st = status.success ? status.data : undefined;
  const rawHost = (router.spec as { host?: unknown } | undefined)?.host;
  const prog = s?.progression === undefined ? undefined : progressionSchema.safeParse(s.progression);
  const p = prog?.success === true ? prog.data : undefined;
  const failureLimit = p?.failureLimit ?? DEFAULT_FAILURE_LIMIT;
  const annotation = router.metadata.annotations?.[COMMAND_ANNOTATION];
  return {
    namespace: namespaceOf(router),
    name: router.metadata.name,
    ...(router.metadata.uid === undefined ? {} : { uid: router.metadata.uid }),
    ...(router.metadata.generation === undefined ? {} : { generation: router.metadata.generation }),
    ...(router.metadata.resourceVersion === undefined ? {} : { resourceVersion: router.metadata.resourceVersion }),
    ...(router.metadata.creationTimestamp === undefined ? {} : { creationTimestamp: router.metadata.creationTimestamp }),
    host: routerHost({ metadata: router.metadata, spec: { host: typeof rawHost === 'string' ? rawHost : undefined } }),
    ...(s === undefined ? {} : { port: s.port, protocol: s.protocol ?? 'http' }),
    propagation: s?.propagation?.mode ?? 'settle',
    ...(st?.phase === undefined ? {} : { phase: st.phase }),
    ...(st?.observedGeneration === undefined ? {} : { observedGeneration: st.observedGeneration }),
    ...(st?.weights === undefined ? {} : { weights: st.weights }),
    branches: s === undefined ? [] : branchViews(s, st),
    ...(st?.step === undefined ? {} : { step: { ...st.step } }),
    ...(p === undefined ? {} : { walk: { stepWeights: stepWeights(p), interval: p.interval ?? DEFAULT_INTERVAL, pauseAt: p.pauseAt ?? [], failureLimit, checks: (p.analysis ?? []).map((c) => c.name) } }),
    ...(st?.progression === undefined ? {} : { progression: progressionView(st.progression, failureLimit) }),
    ...(annotation === undefined ? {} : { command: { value: annotation, acknowledged: st?.progression?.command === annotation } }),
    conditions: st?.conditions ?? [],
    filters: filterChain(router, filters).map((f, i) => filterView(f, i + 1)),
    generated: st?.generated ?? [],
    problems,
  };
}

/** Views of `routers`, sorted by namespace then name (each with the filters of its namespace). */
export function routerViews(routers: readonly ClusterObject[], filters: readonly ClusterObject[]): RouterView[] {
  const sorted = [...routers].sort((a, b) => {
    const ka = `${namespaceOf(a)}/${a.metadata.name}`;
    const kb = `${namespaceOf(b)}/${b.metadata.name}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return sorted.map((r) => routerView(r, filters));
}
