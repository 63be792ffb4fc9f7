import type { ObjectKey } from '../../../kube/types.ts';
import { covers, type XdsExpectation } from './xds-expectation.ts';

/**
 * The latest confirmation per Router and kind (clusters, routes), in this process. A step's
 * precondition already confirmed by the previous step's wait is not checked twice. Only the latest
 * of each kind is kept, so a confirmation that a later step made stale (a pruned subset) is never
 * relied on; after a restart the memory is empty, so every precondition is checked against istiod
 * again (nothing is skipped on a crash).
 */
export class ConfirmedSteps {
  readonly #byRouter = new Map<string, Partial<Record<XdsExpectation['kind'], XdsExpectation>>>();

  remember(key: ObjectKey, e: XdsExpectation): void {
    const id = `${key.namespace}/${key.name}`;
    this.#byRouter.set(id, { ...this.#byRouter.get(id), [e.kind]: e });
  }

  covers(key: ObjectKey, wanted: XdsExpectation): boolean {
    const done = this.#byRouter.get(`${key.namespace}/${key.name}`)?.[wanted.kind];
    return done !== undefined && covers(done, wanted);
  }

  /** Forgets a Router that is gone. */
  forget(key: ObjectKey): void {
    this.#byRouter.delete(`${key.namespace}/${key.name}`);
  }
}
