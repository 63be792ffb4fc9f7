import type { LimitUnit } from '../../core/limits/units.ts';

/**
 * The RLS messages as the service handles them: snake_case like the wire (proto-loader
 * `keepCase`), enums by name. A validated request has every default filled in.
 */

export interface RlsEntry {
  key: string;
  value: string;
}

export interface RlsDescriptor {
  entries: RlsEntry[];
  /** Per-descriptor limit override sent by Envoy (any of Envoy's units, WEEK to YEAR included). */
  limit: { requests_per_unit: number; unit: LimitUnit } | null;
  /** Per-descriptor hits addend; null when the descriptor carries none. */
  hits_addend: number | null;
}

export interface RlsRequest {
  domain: string;
  descriptors: RlsDescriptor[];
  /** Already normalised: the wire's 0 (unset) has become 1. */
  hits_addend: number;
}

export type RlsCode = 'OK' | 'OVER_LIMIT';

export interface RlsDuration {
  seconds: number;
  nanos: number;
}

export interface RlsDescriptorStatus {
  code: RlsCode;
  current_limit: { name: string; requests_per_unit: number; unit: LimitUnit } | null;
  limit_remaining: number;
  duration_until_reset: RlsDuration | null;
}

export interface RlsHeader {
  key: string;
  value: string;
}

export interface RlsResponse {
  /** Only OK or OVER_LIMIT: Envoy treats UNKNOWN as an error. */
  overall_code: RlsCode;
  statuses: RlsDescriptorStatus[];
  response_headers_to_add: RlsHeader[];
  request_headers_to_add: RlsHeader[];
}
