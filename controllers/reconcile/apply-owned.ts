import { ConflictError, type ApplyOptions } from '../../kube/apply.ts';
import type { ApplyOutcome, KubeObject, ReconcileContext } from '../../kube/types.ts';

/** An object of the same kind and name exists and is not Switchyard's; nothing was written. */
export class OwnershipConflict extends Error {
  readonly object: { kind: string; namespace: string; name: string };

  constructor(object: KubeObject, cause: Error) {
    const namespace = object.metadata.namespace ?? '';
    super(`${object.kind} ${namespace}/${object.metadata.name} already exists and is not managed by Switchyard`, { cause });
    this.name = 'OwnershipConflict';
    this.object = { kind: object.kind, namespace, name: object.metadata.name };
  }
}

/**
 * Applies a generated object. An existing object Switchyard does not manage is never overwritten
 * unless `adopt`: the runtime's ConflictError becomes an OwnershipConflict naming the object.
 */
export async function applyOwned(ctx: ReconcileContext, obj: KubeObject, opts: ApplyOptions = {}): Promise<ApplyOutcome> {
  try {
    return await ctx.apply(obj, opts);
  } catch (err) {
    if (err instanceof ConflictError) throw new OwnershipConflict(obj, err);
    throw err;
  }
}
