import type { Service } from '../istio/types.ts';

/**
 * The write a Router makes to its own Service, before any make-before-break step and without a
 * wait after it (no proxy routes by it): apply the desired Service, or delete the one it created.
 */
export type ServiceStep =
  | { action: 'apply-service'; object: Service }
  | { action: 'delete-service'; namespace: string; name: string };

/** The part of a live Service the plan reads: who controls it. */
export interface LiveService {
  metadata: { ownerReferences?: readonly { kind: string; name: string; controller?: boolean }[] };
}

/**
 * Plans the Service write of one reconcile:
 * - `spec.ownService` on (`desired` given) → apply it, every time: the apply writes nothing when the
 *   live Service already matches, and reports `unchanged`;
 * - off, and the live Service of the Router's name is controlled by this Router (its controller
 *   ownerReference) → delete it: only the Service this Router created goes;
 * - otherwise nothing.
 */
export function planServiceStep(router: { namespace: string; name: string }, desired: Service | undefined, live: LiveService | undefined): ServiceStep | undefined {
  if (desired) return { action: 'apply-service', object: desired };
  const ours = live?.metadata.ownerReferences?.some((r) => r.kind === 'Router' && r.name === router.name && r.controller === true) === true;
  return ours ? { action: 'delete-service', namespace: router.namespace, name: router.name } : undefined;
}
