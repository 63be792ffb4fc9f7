import { rateLimit as rateLimitSchema, rateLimitStatus, type RateLimit, type RateLimitStatus } from '../../api/rate-limit.ts';
import { managedLabels } from '../../core/istio/ownership.ts';
import { MANAGED_BY_LABEL, OWNER_LABEL, type EnvoyFilter } from '../../core/istio/types.ts';
import { applyOwned, OwnershipConflict } from '../reconcile/apply-owned.ts';
import { mergeConditions, observed, type ConditionInput } from '../reconcile/conditions.ts';
import { specProblemOf } from '../../core/spec-problem.ts';
import { ENVOY_FILTER, RATE_LIMIT } from '../scheme.ts';
import type { KubeObject, ObjectKey, ReconcileContext, ReconcileResult, Reconciler } from '../../kube/types.ts';
import { rateLimitDescriptor } from '../../core/ratelimit/descriptor.ts';
import { RateLimitRenderError } from '../../core/ratelimit/render-error.ts';
import { defaultRenderOptions, renderRateLimit, type RateLimitRenderOptions } from '../../core/ratelimit/render-rate-limit.ts';

export type RateLimitReconcilerOptions = Partial<RateLimitRenderOptions>;

interface StatusInput {
  generation: number | undefined;
  previous: RateLimitStatus | undefined;
  now: Date;
}

/**
 * The RateLimit reconcile: renders the RateLimit's EnvoyFilters, applies each (no write when
 * unchanged), deletes the EnvoyFilters it generated earlier that are no longer rendered, and
 * reports status Ready with the descriptor key and domain the rate-limit service matches.
 * - Absent or being deleted → done (owner references let Kubernetes collect the EnvoyFilters).
 * - Schema failure or RateLimitRenderError → status Invalid naming field, rule and value; terminal.
 * - An EnvoyFilter of the same name that Switchyard does not manage → status Conflict, Warning
 *   event, terminal (RateLimit has no adopt: rename the RateLimit or remove the object).
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
    try {
      rendered = renderRateLimit(parsed.data, opts);
    } catch (err) {
      if (err instanceof RateLimitRenderError) return invalid(ctx, key, object, input, err.message);
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
    await pruneStale(ctx, object, parsed.data, rendered);
    await ctx.updateStatus(RATE_LIMIT, key, readyStatus(input, parsed.data, rendered));
    return { kind: 'done' };
  };
}

async function applyAll(ctx: ReconcileContext, owner: KubeObject, rendered: readonly EnvoyFilter[]): Promise<void> {
  for (const ef of rendered) {
    const outcome = await applyOwned(ctx, ef);
    if (outcome !== 'unchanged') ctx.event(owner, 'Normal', 'EnvoyFilterApplied', `EnvoyFilter ${ef.metadata.namespace}/${ef.metadata.name} ${outcome}`);
  }
}

/** Deletes this RateLimit's managed EnvoyFilters that are no longer rendered (e.g. named differently by an older version). */
async function pruneStale(ctx: ReconcileContext, owner: KubeObject, rl: RateLimit, rendered: readonly EnvoyFilter[]): Promise<void> {
  const namespace = rl.metadata.namespace ?? '';
  const ownerLabel = managedLabels({ kind: 'RateLimit', name: rl.metadata.name, namespace })[OWNER_LABEL];
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
    conditions: mergeConditions(input.previous, [cond('Ready', true, 'Applied', `EnvoyFilter ${names} applied`)], input.now, input.generation),
  };
}

function failedStatus(input: StatusInput, phase: 'Invalid' | 'Conflict', extra: ConditionInput[], message: string): Record<string, unknown> {
  return {
    ...observed(input.generation),
    phase,
    conditions: mergeConditions(input.previous, [cond('Ready', false, phase, message), ...extra], input.now, input.generation),
  };
}

async function invalid(ctx: ReconcileContext, key: ObjectKey, object: KubeObject, input: StatusInput, message: string): Promise<ReconcileResult> {
  ctx.event(object, 'Warning', 'Invalid', message);
  await ctx.updateStatus(RATE_LIMIT, key, failedStatus(input, 'Invalid', [cond('Invalid', true, 'InvalidSpec', message)], message));
  return { kind: 'terminal', reason: message };
}
