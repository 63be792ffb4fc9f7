import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** Directory holding Switchyard's .proto files (the include root of every import). */
export const PROTO_DIR = fileURLToPath(new URL('.', import.meta.url));

export const RLS_PROTO = 'envoy/service/ratelimit/v3/rls.proto';
export const HEALTH_PROTO = 'grpc/health/v1/health.proto';
export const RLS_SERVICE_NAME = 'envoy.service.ratelimit.v3.RateLimitService';
export const HEALTH_SERVICE_NAME = 'grpc.health.v1.Health';

/**
 * How messages look in JavaScript: snake_case field names as on the wire, 64-bit integers as
 * numbers (hits_addend is a UInt64Value; values above 2^53 are rejected by validation anyway),
 * enums by name, unset fields present with their defaults (messages as null).
 */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

export interface LoadedServices {
  rateLimitService: grpc.ServiceClientConstructor;
  health: grpc.ServiceClientConstructor;
  definitions: protoLoader.PackageDefinition;
}

/** Loads the RLS and health services once; both servers and test clients use the result. */
export function loadServices(): LoadedServices {
  const definitions = protoLoader.loadSync([RLS_PROTO, HEALTH_PROTO], PROTO_LOADER_OPTIONS);
  const pkg = grpc.loadPackageDefinition(definitions);
  return {
    rateLimitService: lookupService(pkg, RLS_SERVICE_NAME),
    health: lookupService(pkg, HEALTH_SERVICE_NAME),
    definitions,
  };
}

function lookupService(pkg: grpc.GrpcObject, dotted: string): grpc.ServiceClientConstructor {
  let node: unknown = pkg;
  for (const part of dotted.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`proto service ${dotted}: not found in ${PROTO_DIR}`);
  return node as grpc.ServiceClientConstructor;
}
