import { DEFAULT_NAMESPACE } from '../lib/default-namespace.ts';
import { isOwned } from './ownership.ts';
import { specEqual } from '../lib/spec-equal.ts';
import { ConflictError, type ApplyOptions } from './apply.ts';
import { keyString, kindInfo, resourcePath } from './kinds.ts';
import { ApiError } from './kube-client.ts';
import { liveMatches } from './live-matches.ts';
import type { ApplyOutcome, Cache, KindRef, KubeObject, Logger, ObjectKey, ReconcileContext } from './types.ts';

/** One write the fake API server performed (no entry for an apply or status that changed nothing). */
export interface RecordedWrite {
  verb: 'create' | 'update' | 'delete' | 'status';
  kind: string;
  namespace: string;
  name: string;
  /** The object (or status) as written. */
  body: unknown;
}

export interface RecordedEvent {
  object: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Called after every write, with the cluster as it now is (e.g. to check an invariant). */
export type WriteHook = (cluster: FakeCluster, write: RecordedWrite) => void;

/** The API server's validation (schema, CEL, webhooks) of an object about to be written or dry-run: a message refuses it (422). */
export type AdmissionCheck = (obj: KubeObject, dryRun: boolean) => string | undefined;

/** The epoch the fake clock starts at unless told otherwise. */
const FAKE_EPOCH = Date.parse('2030-01-01T00:00:00Z');

const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {}, child: () => silentLogger };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function namespaceOf(obj: KubeObject): string {
  return obj.metadata.namespace ?? DEFAULT_NAMESPACE;
}

/**
 * An in-memory API server + informer cache for reconciler unit tests, behaving like the runtime:
 * - the cache hides unmanaged objects of kinds the runtime watches with the managed-by selector;
 *   objects are stored per API group and kind: every version of a kind reads the same objects;
 * - `apply` throws ConflictError for an unmanaged live object unless `adopt`, returns 'unchanged'
 *   (and writes nothing) when `liveMatches`, throws the ApiError an `admission` check asks for,
 *   stores nothing on a dry run, else stores the object (uid, generation, resourceVersion) and
 *   reports created/updated;
 * - `updateStatus` replaces the status as a whole and writes nothing when it is equal;
 * - the clock is fake: `sleep(ms)` advances it at once.
 * Stored objects are deep-frozen, so a reconciler mutating what it read throws.
 */
export class FakeCluster {
  readonly writes: RecordedWrite[] = [];
  readonly events: RecordedEvent[] = [];
  readonly hooks: WriteHook[] = [];
  /** Every `apply` call with its outcome, writes or not. */
  readonly applyCalls: { kind: string; name: string; outcome: ApplyOutcome }[] = [];
  /** Validation the API server runs on every write and dry run that would change something (empty: it accepts all). */
  readonly admission: AdmissionCheck[] = [];
  clockMs: number;
  readonly #objects = new Map<string, KubeObject>();
  #version = 0;
  readonly #abort = new AbortController();

  constructor(now: Date = new Date(FAKE_EPOCH)) {
    this.clockMs = now.getTime();
  }

  now(): Date {
    return new Date(this.clockMs);
  }

  advance(ms: number): void {
    this.clockMs += ms;
  }

  /** Stops every `sleep` (as on controller shutdown). */
  shutdown(): void {
    this.#abort.abort();
  }

  /** The stored object, managed or not (what a GET would return). */
  get<T extends KubeObject = KubeObject>(kind: KindRef, key: ObjectKey): T | undefined {
    const obj = this.#objects.get(this.#key(kind, key));
    return obj && (asVersion(kind, obj) as T);
  }

  list<T extends KubeObject = KubeObject>(kind: KindRef, namespace?: string): T[] {
    const prefix = `${groupKind(kind)}|`;
    return [...this.#objects.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && (namespace === undefined || namespaceOf(o) === namespace))
      .map(([, o]) => asVersion(kind, o) as T);
  }

  /** What the informer cache holds: everything, except unmanaged objects of managed-only kinds. */
  readonly cache: Cache = {
    get: <T extends KubeObject = KubeObject>(kind: KindRef, key: ObjectKey): T | undefined => {
      const obj = this.get<T>(kind, key);
      return obj && this.#visible(kind, obj) ? obj : undefined;
    },
    list: <T extends KubeObject = KubeObject>(kind: KindRef, namespace?: string): T[] => this.list<T>(kind, namespace).filter((o) => this.#visible(kind, o)),
  };

  /** Creates or replaces an object as a user would (not recorded as an owned write). Returns it as stored. */
  put<T extends KubeObject>(obj: T): T {
    const kind = { apiVersion: obj.apiVersion, kind: obj.kind };
    const key = { namespace: namespaceOf(obj), name: obj.metadata.name };
    const live = this.get(kind, key);
    return this.#store(kind, key, obj, live) as T;
  }

  /** Edits an object as a user would: `edit` gets a mutable copy. Generation bumps when the spec changes. */
  edit<T extends KubeObject>(kind: KindRef, key: ObjectKey, edit: (obj: T) => void): T {
    const live = this.get<T>(kind, key);
    if (!live) throw new Error(`fake: no ${kind.kind} ${keyString(key)} to edit`);
    const copy = structuredClone(live);
    edit(copy);
    return this.#store(kind, key, copy, live) as T;
  }

  /** Removes an object as a user (or the garbage collector) would. */
  remove(kind: KindRef, key: ObjectKey): void {
    this.#objects.delete(this.#key(kind, key));
  }

  /** A ReconcileContext over this cluster, as the runtime hands one to each reconcile. */
  context(): ReconcileContext {
    // async: a throw (ConflictError, a failed hook) reaches the caller as a rejection, as over HTTP.
    const apply = async (obj: KubeObject, opts: ApplyOptions = {}): Promise<ApplyOutcome> => this.#apply(obj, opts);
    return {
      cache: this.cache,
      apply,
      live: async <T extends KubeObject = KubeObject>(kind: KindRef, key: ObjectKey) => this.get<T>(kind, key),
      delete: async (kind, key) => this.#delete(kind, key),
      updateStatus: async (kind, key, status) => this.#updateStatus(kind, key, status),
      event: (obj, type, reason, message) => void this.events.push({ object: `${obj.kind} ${namespaceOf(obj)}/${obj.metadata.name}`, type, reason, message }),
      log: silentLogger,
      now: () => this.now(),
      sleep: async (ms) => {
        if (this.#abort.signal.aborted) return false;
        this.advance(ms);
        return true;
      },
      signal: this.#abort.signal,
    };
  }

  /** Writes of objects (creates, updates, deletes), leaving status writes out. */
  objectWrites(): RecordedWrite[] {
    return this.writes.filter((w) => w.verb !== 'status');
  }

  #apply(obj: KubeObject, opts: ApplyOptions): ApplyOutcome {
    const kind = { apiVersion: obj.apiVersion, kind: obj.kind };
    const key = { namespace: namespaceOf(obj), name: obj.metadata.name };
    const live = this.get(kind, key);
    if (live && !isOwned(live.metadata) && opts.adopt !== true) throw new ConflictError(kind, key, 'apply');
    let outcome: ApplyOutcome = 'unchanged';
    if (!live || !liveMatches(live, obj, kindInfo(kind).specCompare)) {
      this.#admit(kind, key, obj, opts.dryRun === true);
      if (opts.dryRun === true) return live ? 'updated' : 'created';
      // Server-side apply: our labels, annotations and owner references join the live ones.
      const metadata = {
        ...(live?.metadata ?? {}),
        ...obj.metadata,
        labels: { ...(live?.metadata.labels ?? {}), ...(obj.metadata.labels ?? {}) },
        annotations: { ...(live?.metadata.annotations ?? {}), ...(obj.metadata.annotations ?? {}) },
      };
      const stored = this.#store(kind, key, { ...obj, metadata, ...(live?.status !== undefined ? { status: live.status } : {}) }, live);
      outcome = live ? 'updated' : 'created';
      this.#record({ verb: live ? 'update' : 'create', kind: obj.kind, namespace: key.namespace, name: key.name, body: stored });
    }
    if (opts.dryRun !== true) this.applyCalls.push({ kind: obj.kind, name: obj.metadata.name, outcome });
    return outcome;
  }

  /** Runs the `admission` checks on an object about to be written; a refusal throws as the API server's would. */
  #admit(kind: KindRef, key: ObjectKey, obj: KubeObject, dryRun: boolean): void {
    const rejected = this.admission.map((check) => check(obj, dryRun)).find((m) => m !== undefined);
    if (rejected !== undefined) throw new ApiError('PATCH', resourcePath(kind, key.namespace, key.name), 422, JSON.stringify({ kind: 'Status', reason: 'Invalid', message: rejected }));
  }

  #delete(kind: KindRef, key: ObjectKey): void {
    const live = this.get(kind, key);
    if (!live) return;
    if (!isOwned(live.metadata)) throw new ConflictError(kind, key, 'delete');
    this.remove(kind, key);
    this.#record({ verb: 'delete', kind: kind.kind, namespace: key.namespace, name: key.name, body: live });
  }

  #updateStatus(kind: KindRef, key: ObjectKey, status: Record<string, unknown>): void {
    const live = this.get(kind, key);
    if (!live) throw new Error(`fake: status of ${kind.kind} ${keyString(key)}: not found (HTTP 404)`);
    if (specEqual(live.status ?? {}, status)) return;
    // The status subresource changes neither the spec nor the generation.
    const stored = deepFreeze(structuredClone({ ...live, metadata: { ...live.metadata, resourceVersion: String(++this.#version) }, status }));
    this.#objects.set(this.#key(kind, key), stored);
    this.#record({ verb: 'status', kind: kind.kind, namespace: key.namespace, name: key.name, body: status });
  }

  #store(kind: KindRef, key: ObjectKey, obj: KubeObject, live: KubeObject | undefined): KubeObject {
    const generation = live?.metadata.generation ?? 1;
    const metadata = {
      ...obj.metadata,
      namespace: key.namespace,
      uid: live?.metadata.uid ?? obj.metadata.uid ?? `uid-${groupKind(kind)}-${keyString(key)}`,
      creationTimestamp: live?.metadata.creationTimestamp ?? obj.metadata.creationTimestamp ?? this.now().toISOString(),
      generation: live && !specEqual(live.spec, obj.spec) ? generation + 1 : generation,
      resourceVersion: String(++this.#version),
    };
    const stored = deepFreeze(structuredClone({ ...obj, metadata }));
    this.#objects.set(this.#key(kind, key), stored);
    return stored;
  }

  #record(write: RecordedWrite): void {
    this.writes.push(write);
    for (const hook of this.hooks) hook(this, write);
  }

  #visible(kind: KindRef, obj: KubeObject): boolean {
    return !kindInfo(kind).managedOnly || isOwned(obj.metadata);
  }

  #key(kind: KindRef, key: ObjectKey): string {
    return `${groupKind(kind)}|${keyString(key)}`;
  }
}

/** `group/kind`: one resource, whichever of its versions a caller names. */
function groupKind(kind: KindRef): string {
  const slash = kind.apiVersion.lastIndexOf('/');
  return `${slash < 0 ? '' : kind.apiVersion.slice(0, slash)}/${kind.kind}`;
}

/** The stored object as `kind`'s version reads it (Istio's versions share one schema: only apiVersion differs). */
function asVersion(kind: KindRef, obj: KubeObject): KubeObject {
  return obj.apiVersion === kind.apiVersion ? obj : deepFreeze({ ...obj, apiVersion: kind.apiVersion });
}
