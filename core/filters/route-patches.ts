import type { FilterPatch } from '../../api/istio-filter.ts';
import type { HTTPRoute, HeaderOperations, Headers } from '../istio/types.ts';
import type { LayerState, PatchOutcome } from './filter-result.ts';
import { produceUnfrozen } from './produce-unfrozen.ts';

type FaultPatch = NonNullable<FilterPatch['fault']>;
type HeadersPatch = NonNullable<FilterPatch['headers']>;
type CorsPatch = NonNullable<FilterPatch['corsPolicy']>;
type RetriesPatch = NonNullable<FilterPatch['retries']>;

/** An in-place change to one HTTP route (run on an immer draft). */
export type RouteEdit = (route: HTTPRoute) => void;

/** Applies `edit` to the routes at `indices` of a copy of the VirtualService. */
export function editRoutes(state: LayerState, indices: readonly number[], edit: RouteEdit): LayerState {
  const virtualService = produceUnfrozen(state.virtualService, (vs) => {
    for (const i of indices) {
      const route = vs.spec.http?.[i];
      if (route !== undefined) edit(route as HTTPRoute);
    }
  });
  return { ...state, virtualService };
}

function faultEdit(patch: FaultPatch): RouteEdit | string {
  if (patch.delay === undefined && patch.abort === undefined) return 'fault needs delay or abort (got neither)';
  const abort = patch.abort;
  if (abort !== undefined && (abort.httpStatus === undefined) === (abort.grpcStatus === undefined)) {
    return `fault.abort needs exactly one of httpStatus or grpcStatus (got ${abort.httpStatus === undefined ? 'neither' : 'both'})`;
  }
  return (route) => {
    // Delay and abort are separate pieces: a filter setting one keeps the other from an earlier filter.
    const delay = patch.delay ? { fixedDelay: patch.delay.fixedDelay, percentage: { value: patch.delay.percentage } } : route.fault?.delay;
    const newAbort = abort
      ? { ...(abort.httpStatus !== undefined ? { httpStatus: abort.httpStatus } : { grpcStatus: abort.grpcStatus }), percentage: { value: abort.percentage } }
      : route.fault?.abort;
    route.fault = { ...(delay ? { delay } : {}), ...(newAbort ? { abort: newAbort } : {}) };
  };
}

function retriesEdit(patch: RetriesPatch): RouteEdit {
  return (route) => {
    route.retries = {
      attempts: patch.attempts,
      ...(patch.perTryTimeout !== undefined ? { perTryTimeout: patch.perTryTimeout } : {}),
      ...(patch.retryOn !== undefined ? { retryOn: patch.retryOn } : {}),
    };
  };
}

function mergeOps(current: HeaderOperations | undefined, patch: HeaderOperations | undefined): HeaderOperations | undefined {
  if (patch === undefined) return current;
  const set = { ...current?.set, ...patch.set };
  const add = { ...current?.add, ...patch.add };
  const remove = [...new Set([...(current?.remove ?? []), ...(patch.remove ?? [])])];
  return {
    ...(Object.keys(set).length > 0 ? { set } : {}),
    ...(Object.keys(add).length > 0 ? { add } : {}),
    ...(remove.length > 0 ? { remove } : {}),
  };
}

function headersEdit(patch: HeadersPatch): RouteEdit {
  return (route) => {
    const request = mergeOps(route.headers?.request, patch.request);
    const response = mergeOps(route.headers?.response, patch.response);
    const headers: Headers = { ...(request ? { request } : {}), ...(response ? { response } : {}) };
    route.headers = headers;
  };
}

function corsEdit(patch: CorsPatch): RouteEdit {
  // Istio's CorsPolicy has the same field names; copy in a fixed order so output is stable.
  const keys = ['allowOrigins', 'allowMethods', 'allowHeaders', 'exposeHeaders', 'maxAge', 'allowCredentials'] as const;
  return (route) => {
    const policy: Record<string, unknown> = {};
    for (const key of keys) if (patch[key] !== undefined) policy[key] = structuredClone(patch[key]);
    route.corsPolicy = policy;
  };
}

/** The route edit of a typed HTTP patch other than mirror, or why the patch is unusable. */
export function routeEditFor(patch: FilterPatch): RouteEdit | string | undefined {
  if (patch.fault !== undefined) return faultEdit(patch.fault);
  if (patch.retries !== undefined) return retriesEdit(patch.retries);
  const timeout = patch.timeout;
  if (timeout !== undefined) return (route) => void (route.timeout = timeout);
  if (patch.headers !== undefined) return headersEdit(patch.headers);
  if (patch.corsPolicy !== undefined) return corsEdit(patch.corsPolicy);
  return undefined;
}

/** Applies a typed HTTP route patch (not mirror) to the selected routes. */
export function applyRoutePatch(state: LayerState, indices: readonly number[], patch: FilterPatch): PatchOutcome {
  const edit = routeEditFor(patch);
  if (edit === undefined) return { ok: false, reason: 'patch is not an HTTP route patch' };
  if (typeof edit === 'string') return { ok: false, reason: edit };
  return { ok: true, state: editRoutes(state, indices, edit) };
}
