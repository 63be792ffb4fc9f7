// Router objects for the controller scenarios, and one helper that runs a change while checking
// the routing invariant and waits until the Router is Ready again.
import { API_VERSION } from '../../api/meta.ts';
import type { RouterSpec } from '../../api/router.ts';
import type { KubeClient } from '../../kube/kube-client.ts';
import type { KubeObject } from '../../kube/types.ts';
import { guarded, type Observation } from './routing-invariant.ts';
import { applyAsUser, eventuallyPhase, liveRouter, type LiveCr } from './switchyard-cluster.ts';

export function routerObject(namespace: string, name: string, spec: RouterSpec): KubeObject {
  return { apiVersion: API_VERSION, kind: 'Router', metadata: { name, namespace }, spec };
}

/** The seed Router's spec (examples/01): master at v1.0.1=90/v1.0.2=10 plus the sandbox box-0999. */
export function seedSpec(): RouterSpec {
  return { port: 9090, protocol: 'http', subsets: [{ branch: 'master', versions: { 'v1.0.1': 90, 'v1.0.2': 10 } }, { branch: 'box-0999' }] };
}

export interface TransitionResult {
  observations: Observation[];
  router: LiveCr;
}

/**
 * Starts polling the Router's live VS/DR, runs `change`, waits until the Router is Ready at its
 * new generation, stops polling and throws when any observation broke the invariant.
 */
export async function transition(
  admin: KubeClient,
  namespace: string,
  name: string,
  change: () => Promise<unknown>,
): Promise<TransitionResult> {
  const { value: router, observations } = await guarded(admin, namespace, name, async () => {
    await change();
    return eventuallyPhase(() => liveRouter(admin, namespace, name), 'Ready');
  });
  return { observations, router };
}

/** Applies the Router spec as the user and waits out the transition (see `transition`). */
export function applyRouter(admin: KubeClient, namespace: string, name: string, spec: RouterSpec): Promise<TransitionResult> {
  return transition(admin, namespace, name, () => applyAsUser(admin, routerObject(namespace, name, spec)));
}
