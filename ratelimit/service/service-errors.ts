import { status as GrpcStatus } from '@grpc/grpc-js';
import { StoreUnavailableError } from '../store/counter-store.ts';

/** A request that breaks a protocol rule or a bound; the message names field, rule and value. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  readonly field: string;

  constructor(field: string, rule: string, got: string) {
    super(`${field}: ${rule} (got ${got})`);
    this.field = field;
  }
}

/** No quota table has been loaded yet, so no decision can be made. */
export class NotReadyError extends Error {
  override readonly name = 'NotReadyError';
}

/** How an error leaves the service: gRPC status, HTTP status (debug API) and metric label. */
export interface ErrorDisposition {
  grpcCode: GrpcStatus;
  httpStatus: number;
  /** Value of the `kind` label of `switchyard_rls_errors_total`. */
  kind: 'invalid_argument' | 'not_ready' | 'store_unavailable' | 'internal';
}

/**
 * The one place errors are mapped. Store outages normally never get here (the failure mode
 * answers them); they do when the debug API is asked to count against a dead store. Anything
 * unexpected is INTERNAL, so Envoy applies its own failure_mode_deny.
 */
export function errorDisposition(err: unknown): ErrorDisposition {
  if (err instanceof InvalidRequestError) return { grpcCode: GrpcStatus.INVALID_ARGUMENT, httpStatus: 400, kind: 'invalid_argument' };
  if (err instanceof NotReadyError) return { grpcCode: GrpcStatus.UNAVAILABLE, httpStatus: 503, kind: 'not_ready' };
  if (err instanceof StoreUnavailableError) return { grpcCode: GrpcStatus.UNAVAILABLE, httpStatus: 503, kind: 'store_unavailable' };
  return { grpcCode: GrpcStatus.INTERNAL, httpStatus: 500, kind: 'internal' };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
