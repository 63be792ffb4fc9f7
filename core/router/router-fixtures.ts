import { API_VERSION } from '../../api/meta.ts';
import type { Router, RouterSpec } from '../../api/router.ts';

/** The seed Router: a 90/10 production canary on master plus the sandbox box-0999 (test fixture). */
export function seedRouter(): Router {
  return makeRouter({
    port: 9090,
    protocol: 'http',
    subsets: [{ branch: 'master', versions: { 'v1.0.1': 90, 'v1.0.2': 10 } }, { branch: 'box-0999' }],
  });
}

/** A Router named `sm-verify-page` in `sm-verify` with the given spec (test fixture). */
export function makeRouter(spec: RouterSpec, metadata: Partial<Router['metadata']> = {}): Router {
  return { apiVersion: API_VERSION, kind: 'Router', metadata: { name: 'sm-verify-page', namespace: 'sm-verify', ...metadata }, spec };
}
