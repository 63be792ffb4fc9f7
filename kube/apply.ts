import { HttpMethod } from '@kubernetes/client-node';
import { isOwned, ownership } from './ownership.ts';
import { kindInfo, resourcePath } from './kinds.ts';
import { CONTENT_TYPE, isNotFound, type KubeClient } from './kube-client.ts';
import { liveMatches } from './live-matches.ts';
import type { ApplyOutcome, Cache, KindRef, KubeObject, ObjectKey } from './types.ts';

export interface ApplyOptions {
  /**
   * Take over an existing object that the registered owner does not manage (a hand-written VS/DR/Service of
   * the same name). Default false: such an object is a ConflictError and is left untouched.
   */
  adopt?: boolean;
  /**
   * Server-side dry run (`dryRun=All`): the API server validates the object — schema, CEL rules
   * and every admission webhook (Istio's validator included) — and persists nothing. The outcome
   * says what the write would have done; a refusal throws the API server's error as a real write
   * would (`isRejection`). Not counted in `onApplied`.
   */
  dryRun?: boolean;
}

/** A live object of the desired name exists and is not the registered owner's; nothing was written. */
export class ConflictError extends Error {
  readonly kind: KindRef;
  readonly key: ObjectKey;
  constructor(kind: KindRef, key: ObjectKey, action: string) {
    super(
      `${kind.kind} ${key.namespace}/${key.name} exists and is not managed by ${ownership().owner} ` +
        `(no label ${ownership().label.key}=${ownership().label.value}); refusing to ${action} it`,
    );
    this.name = 'ConflictError';
    this.kind = kind;
    this.key = key;
  }
}

export interface ApplierOptions {
  client: KubeClient;
  cache: Cache & { has?(kind: KindRef): boolean };
  /** Reported once per apply (metrics). */
  onApplied?: (kind: KindRef, outcome: ApplyOutcome) => void;
}

function keyOf(obj: KubeObject): ObjectKey {
  const namespace = obj.metadata.namespace;
  if (!namespace) throw new Error(`apply: ${obj.kind} ${obj.metadata.name}: metadata.namespace is required (the runtime only writes namespaced objects)`);
  return { namespace, name: obj.metadata.name };
}

/**
 * Writes objects the way the reconcilers need: server-side apply with a no-write fast path, and
 * never touching an object the registered owner does not manage.
 */
export class Applier {
  readonly #opts: ApplierOptions;

  constructor(opts: ApplierOptions) {
    this.#opts = opts;
  }

  /**
   * The live object: from the cache when it holds it, otherwise one GET. Owned kinds are cached
   * with the managed-by label selector only, so an unmanaged object of the same name (a conflict)
   * is invisible to the cache; the GET on a cache miss is what finds it, and a 404 means "create".
   * Cache misses are rare: a create, a conflict, or an object written a moment ago.
   */
  async live(kind: KindRef, key: ObjectKey): Promise<KubeObject | undefined> {
    const { cache, client } = this.#opts;
    const cached = cache.has && !cache.has(kind) ? undefined : cache.get(kind, key);
    return cached ?? client.find<KubeObject>(resourcePath(kind, key.namespace, key.name));
  }

  /**
   * Server-side applies `obj` (application/apply-patch+yaml, the owner's field manager, force=true).
   * No write when the live object already carries the desired labels, annotations,
   * ownerReferences and spec → 'unchanged' (a dry run of it is not sent either: the live object
   * was accepted). Throws ConflictError for an unmanaged live object unless `adopt`, and the API
   * server's ApiError when it refuses the object.
   */
  async apply(obj: KubeObject, opts: ApplyOptions = {}): Promise<ApplyOutcome> {
    const kind = { apiVersion: obj.apiVersion, kind: obj.kind };
    const key = keyOf(obj);
    const live = await this.live(kind, key);
    if (live && !isOwned(live.metadata) && !opts.adopt) throw new ConflictError(kind, key, 'apply');
    let outcome: ApplyOutcome;
    if (live && liveMatches(live, obj, kindInfo(kind).specCompare)) outcome = 'unchanged';
    else {
      const path = resourcePath(kind, key.namespace, key.name);
      const query = { fieldManager: ownership().fieldManager, force: true, dryRun: opts.dryRun === true ? 'All' : undefined };
      const written = await this.#opts.client.request<KubeObject>(HttpMethod.PATCH, path, { query, body: obj, contentType: CONTENT_TYPE.apply });
      // The API server skips no-op applies without bumping resourceVersion (a dry run keeps the live one).
      if (!live) outcome = 'created';
      else outcome = written.metadata.resourceVersion === live.metadata.resourceVersion && opts.dryRun !== true ? 'unchanged' : 'updated';
    }
    if (opts.dryRun !== true) this.#opts.onApplied?.(kind, outcome);
    return outcome;
  }

  /**
   * Deletes an owned object (background propagation, preconditioned on its uid so a
   * re-created object of the same name survives). Absent → no-op; unmanaged → ConflictError.
   */
  async delete(kind: KindRef, key: ObjectKey): Promise<void> {
    const live = await this.live(kind, key);
    if (!live) return;
    if (!isOwned(live.metadata)) throw new ConflictError(kind, key, 'delete');
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', preconditions: { uid: live.metadata.uid } };
    try {
      await this.#opts.client.request(HttpMethod.DELETE, resourcePath(kind, key.namespace, key.name), { body, contentType: CONTENT_TYPE.json });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

