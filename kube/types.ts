/**
 * The contract between reconcilers (Switchyard's live in controllers/) and this runtime (kube/).
 * Reconcilers are asked for a key only,
 * read from the informer cache, write through `apply`/`updateStatus`, and return a result; they
 * never touch the queue.
 */

/** What a reconcile is asked for: a namespaced name, never the event or the object. */
export interface ObjectKey {
  namespace: string;
  name: string;
}

/** A Kubernetes object as read from the cache (plain JSON). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
    managedFields?: unknown[];
  };
  spec?: unknown;
  status?: unknown;
}

/** Kinds the runtime watches, by apiVersion + kind (resolved to plural/group by the runtime). */
export interface KindRef {
  apiVersion: string;
  kind: string;
}

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

/** Read access to the informer caches (eventually consistent, never a live API call). */
export interface Cache {
  get<T extends KubeObject = KubeObject>(kind: KindRef, key: ObjectKey): T | undefined;
  list<T extends KubeObject = KubeObject>(kind: KindRef, namespace?: string): T[];
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Everything a reconcile may do; handed in per reconcile (carries the reconcile id in `log`). */
export interface ReconcileContext {
  cache: Cache;
  /**
   * Server-side apply (content type application/apply-patch+yaml, field manager `switchyard`,
   * force) of a desired object. Compares against the cached live object first and performs NO
   * write when the fields the owner manages already match → 'unchanged'. When a live object of
   * that name exists without the `app.kubernetes.io/managed-by=switchyard` label it throws
   * `ConflictError` (kube/apply.ts) and writes nothing, unless `opts.adopt`. With `opts.dryRun`
   * the API server validates the object (schema, CEL, admission webhooks) and stores nothing. An
   * object the API server refuses throws its `ApiError` (`isRejection`, kube/kube-client.ts).
   */
  apply(obj: KubeObject, opts?: { adopt?: boolean; dryRun?: boolean }): Promise<ApplyOutcome>;
  /**
   * The live object: from the cache when it holds it, otherwise one direct GET. Needed where the
   * cache cannot see an object — an unmanaged VS/DR being adopted, whose subsets the first
   * make-before-break step must keep.
   */
  live<T extends KubeObject = KubeObject>(kind: KindRef, key: ObjectKey): Promise<T | undefined>;
  /** Deletes an object (only ever called for owned objects). Absent → no-op. */
  delete(kind: KindRef, key: ObjectKey): Promise<void>;
  /**
   * Writes the status subresource (merge patch, content type application/merge-patch+json) of a
   * custom resource; no write when equal to the cached status.
   */
  updateStatus(kind: KindRef, key: ObjectKey, status: Record<string, unknown>): Promise<void>;
  /** Records a Kubernetes Event on the object (type Normal|Warning). Best effort, never throws. */
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
  log: Logger;
  now(): Date;
  /** Sleeps, resolving early (with `false`) when the controller is shutting down. */
  sleep(ms: number): Promise<boolean>;
  /** Aborted on shutdown: long waits must stop and leave live state consistent. */
  signal: AbortSignal;
}

/** The one decision a reconcile returns; the runtime maps it to queue behaviour. */
export type ReconcileResult =
  | { kind: 'done' } // success: forget failures
  | { kind: 'requeueAfter'; ms: number } // success, look again later (e.g. filter expiry)
  | { kind: 'terminal'; reason: string }; // bad spec: reported on status, no retry until the object changes

/** Thrown errors are retried with per-key exponential backoff. */
export type Reconciler = (key: ObjectKey, ctx: ReconcileContext) => Promise<ReconcileResult>;

/** How a controller is wired: what it reconciles and which other kinds map back to its keys. */
export interface ControllerSpec {
  name: string;
  /** The primary kind; its add/update/delete events enqueue its own key. */
  primary: KindRef;
  /** Other watched kinds and how an event on one maps to primary keys (e.g. owned VS → Router). */
  watches: { kind: KindRef; map: (obj: KubeObject, cache: Cache) => ObjectKey[] }[];
  reconcile: Reconciler;
  /** Parallel reconciles across keys (one key never runs twice at once). */
  concurrency?: number;
}
