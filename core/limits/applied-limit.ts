import type { HitRequest } from './hit.ts';
import type { LimitUnit } from './units.ts';

/** The limit a descriptor is counted against. */
export interface AppliedLimit {
  requestsPerUnit: number;
  unit: LimitUnit;
}

/** The request's per-descriptor override when Envoy sent one, the quota entry's limit otherwise. */
export function appliedLimit(request: Pick<HitRequest, 'entry' | 'limitOverride'>): AppliedLimit {
  const { limitOverride, entry } = request;
  return limitOverride ?? { requestsPerUnit: entry.requestsPerUnit, unit: entry.unit };
}
