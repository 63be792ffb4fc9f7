import type { Router } from '../../api/router.ts';
import { findHostBackends, type HostBackends, type ServiceObject } from './host-backends.ts';
import { rateLimitOf } from './rate-limit-fixture.test-support.ts';

/** The Router serving the seed RateLimit's host: pods `app: sm-verify-page` on port 80. */
export const SEED_ROUTER: Router = routerOf('sm-verify-page', 'sm-verify', 80);

/** A Router `namespace/name` on `port` (selector defaulted to `{app: <name>}` unless given). */
export function routerOf(name: string, namespace: string, port: number, extra: Partial<Router['spec']> = {}): Router {
  return {
    apiVersion: 'switchyard.io/v1alpha1',
    kind: 'Router',
    metadata: { name, namespace },
    spec: { port, subsets: [{ branch: 'master', versions: { v1: 90, v2: 10 } }, { branch: 'box-1' }], ...extra },
  };
}

/** A Kubernetes Service `namespace/name` selecting `selector` (none when undefined) on `ports`. */
export function serviceOf(name: string, namespace: string, selector: Record<string, string> | undefined, ports: number[] = [80]): ServiceObject {
  return { metadata: { name, namespace }, spec: { ...(selector ? { selector } : {}), ports: ports.map((port) => ({ port })) } };
}

/** The seed RateLimit's host resolved through SEED_ROUTER, as the controller resolves it. */
export const SEED_BACKENDS: HostBackends = findHostBackends(rateLimitOf(), { routers: [SEED_ROUTER], services: [] });
