import type { ProgressionStatus } from '../../api/progression.ts';
import { specEqual } from '../../lib/spec-equal.ts';
import { keyString } from '../../kube/kinds.ts';
import type { ObjectKey } from '../../kube/types.ts';

/**
 * The walk state this process wrote last, per Router. The informer cache sees a status write
 * only when its watch event arrives; a reconcile run before that (a prompt requeue after a step)
 * would otherwise read the older state and analyse the same window twice. The higher `revision`
 * wins; a restarted controller starts empty and trusts the status it lists.
 */
export class WalkMemory {
  readonly #written = new Map<string, ProgressionStatus>();

  /** The newer of the cached status's walk and the one this process last wrote. */
  latest(key: ObjectKey, cached: ProgressionStatus | undefined): ProgressionStatus | undefined {
    const mine = this.#written.get(keyString(key));
    if (mine === undefined) return cached;
    if (cached === undefined) return mine;
    return (mine.revision ?? 0) > (cached.revision ?? 0) ? mine : cached;
  }

  /** `next` with its revision bumped when it differs from `previous`; remembered as written. */
  stamp(key: ObjectKey, previous: ProgressionStatus | undefined, next: ProgressionStatus): ProgressionStatus {
    const { revision: _r, ...a } = previous ?? ({} as Partial<ProgressionStatus>);
    const { revision: _n, ...b } = next;
    const stamped = specEqual(a, b) && previous !== undefined ? { ...next, revision: previous.revision ?? 0 } : { ...next, revision: (previous?.revision ?? 0) + 1 };
    this.#written.set(keyString(key), stamped);
    return stamped;
  }

  forget(key: ObjectKey): void {
    this.#written.delete(keyString(key));
  }
}
