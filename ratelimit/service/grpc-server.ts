import * as grpc from '@grpc/grpc-js';
import { RLS_SERVICE_NAME, type LoadedServices } from '../proto/load-protos.ts';
import type { Logger } from './json-logger.ts';
import type { RateLimitDecider } from './rate-limit-decider.ts';
import type { RlsMetrics } from './rls-metrics.ts';
import type { RlsResponse } from './rls-types.ts';
import { errorDisposition, errorMessage } from './service-errors.ts';
import { validateRequest } from './validate-request.ts';

/** Envoy's rate-limit requests are a few hundred bytes; 1 MiB rejects abuse before decoding. */
export const MAX_GRPC_MESSAGE_BYTES = 1024 * 1024;

export interface GrpcServerDeps {
  services: LoadedServices;
  decider: RateLimitDecider;
  metrics: RlsMetrics;
  log: Logger;
  /** True when the service can decide (table loaded, store healthy, not shutting down). */
  ready: () => boolean;
}

/** A gRPC server with RateLimitService/ShouldRateLimit and grpc.health.v1.Health/Check, not yet bound. */
export function createGrpcServer(deps: GrpcServerDeps): grpc.Server {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_GRPC_MESSAGE_BYTES });
  server.addService(deps.services.rateLimitService.service, { ShouldRateLimit: shouldRateLimit(deps) });
  server.addService(deps.services.health.service, { Check: healthCheck(deps) });
  return server;
}

function shouldRateLimit(deps: GrpcServerDeps): grpc.handleUnaryCall<unknown, RlsResponse> {
  return (call, callback) => {
    const fail = (err: unknown) => {
      const disposition = errorDisposition(err);
      deps.metrics.error(disposition);
      if (disposition.kind === 'internal') deps.log.error('ShouldRateLimit failed', { error: errorMessage(err) });
      callback({ code: disposition.grpcCode, details: errorMessage(err) });
    };
    let request;
    try {
      request = validateRequest(call.request);
    } catch (err) {
      fail(err);
      return;
    }
    deps.decider.decide(request, { count: true }).then((response) => callback(null, response), fail);
  };
}

function healthCheck(deps: GrpcServerDeps): grpc.handleUnaryCall<{ service?: string }, { status: string }> {
  return (call, callback) => {
    const service = call.request.service ?? '';
    if (service !== '' && service !== RLS_SERVICE_NAME) {
      callback({ code: grpc.status.NOT_FOUND, details: `service: unknown to this server (got "${service}")` });
      return;
    }
    callback(null, { status: deps.ready() ? 'SERVING' : 'NOT_SERVING' });
  };
}

/** Binds `server` to host:port (0 = any free port) and resolves with the bound port. */
export function bindGrpcServer(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
}

/**
 * Stops accepting calls and waits for in-flight ones to finish, at most `graceMs`; then cancels
 * whatever is left so shutdown is bounded.
 */
export function drainGrpcServer(server: grpc.Server, graceMs: number): Promise<'drained' | 'forced'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve('forced');
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve('drained');
    });
  });
}
