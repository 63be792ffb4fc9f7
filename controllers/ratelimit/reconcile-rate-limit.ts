import { rateLimit as rateLimitSchema, rateLimitStatus, type RateLimit, type RateLimitStatus } from '../../api/rate-limit.ts';
import { managedLabels } from '../../core/istio/ownership.ts';
import { MANAGED_BY_LABEL, OWNER_LABEL, type EnvoyFilter } from '../../core/istio/types.ts';
import { applyOwned, OwnershipConflict } from '../reconcile/apply-owned.ts';
import { kstatusConditions, mergeConditions, observed, type ConditionInput } from '../reconcile/conditions.ts';
import { specProblemOf } from '../../core/spec-problem.ts';
import { ENVOY_FILTER, RATE_LIMIT } from '../scheme.ts';
import type { KubeObject, ObjectKey, ReconcileContext, ReconcileResult, Reconciler } from '../../kube/types.ts';
import { rateLimitDescriptor } from '../../core/ratelimit/descriptor.ts';
import { HostUnresolvedError } from '../../core/ratelimit/host-backends.ts';
import { RateLimitRenderError } from '../../core/ratelimit/render-error.ts';
import { defaultRenderOptions, renderRateLimit, type RateLimitRenderOptions } from '../../core/ratelimit/render-rate-limit.ts';
import { readHostWorkloads } from './host-workloads.ts';

export type RateLimitReconcilerOptions = Partial<RateLimitRenderOptions>;

/**
 * How often a RateLimit looks again at what it cannot watch: a Pending one for the Router or
 * Service its hosts need, a Ready one for the hand-written Service its pods were found through
 * (the cache holds only Switchyard's own Services). Each look is cache reads and at most one GET
 * per host, and writes nothing when nothing changed; 30 s keeps a newly created Service from
 * waiting long without a steady load on the API server.
 */
export const HOST_RECHECK_MS = 30_000;

interface StatusInput {
  generation: number | undefined;
  previous: RateLimitStatus | undefined;
  now: Date;
}

/**
 * The RateLimit reconcile: finds the workloads behind its hosts (`readHostWorkloads`), renders
 * its EnvoyFilters, applies each (no write when unchanged), deletes the EnvoyFilters it generated
 * earlier that are no longer rendered, and reports status Ready with the descriptor key and domain
 * the rate-limit service matches.
 * - Absent or being deleted → done (owner references let Kubernetes collect the EnvoyFilters).
 * - Schema failure or RateLimitRenderError → status Invalid naming field, rule and value; terminal.
 * - HostUnresolvedError (a host leads to no workloads of its namespace) → status Pending with the
 *   reason; looked at again after HOST_RECHECK_MS, and at once when a Router of its namespace changes.
 * - An EnvoyFilter of the same name that Switchyard does not manage → status Conflict, Warning
 *   event, terminal (RateLimit has no adopt: rename the RateLimit or remove the object).
 * Invalid and Pending remove the RateLimit's EnvoyFilters: what cannot be enforced as written is
 * not enforced at all, and in particular never as an EnvoyFilter on every workload of the namespace.
 */
export function rateLimitReconciler(options: RateLimitReconcilerOptions = {}): Reconciler {
  const opts: RateLimitRenderOptions = { serviceCluster: options.serviceCluster ?? defaultRenderOptions.serviceCluster };
  return async (key, ctx) => {
    const object = ctx.cache.get(RATE_LIMIT, key);
    if (!object || object.metadata.deletionTimestamp !== undefined) return { kind: 'done' };
    const previous = rateLimitStatus.safeParse(object.status ?? {});
    const input: StatusInput = { generation: object.metadata.generation, previous: previous.success ? previous.data : undefined, now: ctx.now() };
    const parsed = rateLimitSchema.safeParse(object);
    if (!parsed.success) return invalid(ctx, key, object, input, specProblemOf(parsed.error, object).message);
    let rendered: EnvoyFilter[];
    let recheck = false;
    try {
      const hosts = await readHostWorkloads(ctx, parsed.data);
      recheck = hosts.readsUnwatchedService;
      rendered = renderRateLimit(parsed.data, opts, hosts.backends);
    } catch (err) {
      if (err instanceof RateLimitRenderError) return invalid(ctx, key, object, input, err.message);
      if (err instanceof HostUnresolvedError) return pending(ctx, key, object, input, err.message);
      throw err;
    }
    try {
      await applyAll(ctx, object, rendered);
    } catch (err) {
      if (!(err instanceof OwnershipConflict)) throw err;
      const message = `${err.message}; rename the RateLimit or remove that object`;
      ctx.event(object, 'Warning', 'Conflict', message);
      await ctx.updateStatus(RATE_LIMIT, key, failedStatus(input, 'Conflict', [cond('Conflict', true, 'UnmanagedObject', message)], message));
      return { kind: 'terminal', reason: message };
    }
    await pruneStale(ctx, object, rendered);
    await ctx.updateStatus(RATE_LIMIT, key, readyStatus(input, parsed.data, rendered));
    return recheck ? { kind: 'requeueAfter', ms: HOST_RECHECK_MS } : { kind: 'done' };
  };
}

async function applyAll(ctx: ReconcileContext, owner: KubeObject, rendered: readonly EnvoyFilter[]): Promise<void> {
  for (const ef of rendered) {
    const outcome = await applyOwned(ctx, ef);
    if (outcome !== 'unchanged') ctx.event(owner, 'Normal', 'EnvoyFilterApplied', `EnvoyFilter ${ef.metadata.namespace}/${ef.metadata.name} ${outcome}`);
  }
}

/** Deletes this RateLimit's managed EnvoyFilters that are no longer rendered (e.g. named differently by an older version, or none rendered at all). */
async function pruneStale(ctx: ReconcileContext, owner: KubeObject, rendered: readonly EnvoyFilter[]): Promise<void> {
  const namespace = owner.metadata.namespace ?? '';
  const ownerLabel = managedLabels({ kind: 'RateLimit', name: owner.metadata.name, namespace })[OWNER_LABEL];
  const keep = new Set(rendered.map((ef) => ef.metadata.name));
  for (const live of ctx.cache.list(ENVOY_FILTER, namespace)) {
    const labels = live.metadata.labels ?? {};
    if (labels[MANAGED_BY_LABEL] === undefined || labels[OWNER_LABEL] !== ownerLabel || keep.has(live.metadata.name)) continue;
    await ctx.delete(ENVOY_FILTER, { namespace, name: live.metadata.name });
    ctx.event(owner, 'Normal', 'EnvoyFilterDeleted', `EnvoyFilter ${namespace}/${live.metadata.name} deleted: no longer rendered`);
  }
}

function cond(type: string, status: boolean, reason: string, message = ''): ConditionInput {
  return { type, status: status ? 'True' : 'False', reason, message };
}

function readyStatus(input: StatusInput, rl: RateLimit, rendered: readonly EnvoyFilter[]): Record<string, unknown> {
  const descriptor = rateLimitDescriptor(rl);
  const first = descriptor.entries[0];
  const names = rendered.map((ef) => ef.metadata.name).join(', ');
  return {
    ...observed(input.generation),
    phase: 'Ready',
    ...(first ? { descriptorKey: `${first.key}=${first.value}` } : {}),
    domain: descriptor.domain,
    envoyFilters: rendered.map((ef) => ({ apiVersion: ef.apiVersion, kind: ef.kind, name: ef.metadata.name, namespace: ef.metadata.namespace })),
    conditions: mergeConditions(input.previous, kstatusConditions('Ready', 'Applied', `EnvoyFilter ${names} applied`), input.now, input.generation),
  };
}

/**
 * A status that is not Ready. Pending waits for its hosts' Router or Service and is looked at
 * again by itself (kstatus: Reconciling); Invalid and Conflict need the RateLimit or the object
 * in its way changed (Stalled).
 */
function failedStatus(input: StatusInput, phase: 'Invalid' | 'Conflict' | 'Pending', extra: ConditionInput[], message: string, reason: string = phase): Record<string, unknown> {
  const state = phase === 'Pending' ? 'Reconciling' : 'Stalled';
  return {
    ...observed(input.generation),
    phase,
    conditions: mergeConditions(input.previous, [...kstatusConditions(state, reason, message), ...extra], input.now, input.generation),
  };
}

async function invalid(ctx: ReconcileContext, key: ObjectKey, object: KubeObject, input: StatusInput, message: string): Promise<ReconcileResult> {
  ctx.event(object, 'Warning', 'Invalid', message);
  await pruneStale(ctx, object, []);
  await ctx.updateStatus(RATE_LIMIT, key, failedStatus(input, 'Invalid', [cond('Invalid', true, 'InvalidSpec', message)], message));
  return { kind: 'terminal', reason: message };
}

/** Hosts that lead to no workloads yet: nothing applied, looked at again (the event only when the reason changes). */
async function pending(ctx: ReconcileContext, key: ObjectKey, object: KubeObject, input: StatusInput, message: string): Promise<ReconcileResult> {
  const before = input.previous?.conditions?.find((c) => c.type === 'Ready');
  if (input.previous?.phase !== 'Pending' || before?.message !== message) ctx.event(object, 'Warning', 'HostUnresolved', message);
  await pruneStale(ctx, object, []);
  await ctx.updateStatus(RATE_LIMIT, key, failedStatus(input, 'Pending', [], message, 'HostUnresolved'));
  return { kind: 'requeueAfter', ms: HOST_RECHECK_MS };
}
