import type { KubeConfig } from '@kubernetes/client-node';
import { rateLimit, type RateLimit } from '../../api/rate-limit.ts';
import { specProblemOf } from '../../core/spec-problem.ts';
import { Informer } from '../../kube/informer.ts';
import { RATE_LIMIT, SWITCHYARD_KINDS } from '../../core/scheme.ts';
import { registerKinds } from '../../kube/kinds.ts';
import { KubeClient } from '../../kube/kube-client.ts';
import type { KubeObject } from '../../kube/types.ts';
import { buildQuotaTable } from '../../core/ratelimit/quota-table.ts';
import type { Logger } from '../service/json-logger.ts';
import { PartialQuotaTableError, QuotaSnapshotHolder, snapshotFromTable } from './quota-source.ts';

// The service watches RateLimits only; the runtime must know the kind before it can list it.
registerKinds(SWITCHYARD_KINDS.filter((r) => r.kind === RATE_LIMIT));

/** Edits often arrive in bursts (kubectl apply -f dir/); one rebuild per burst is enough. */
export const REBUILD_DEBOUNCE_MS = 100;

/** `origin` of the snapshots this source publishes (shown by /debug/quotas). */
export const KUBE_ORIGIN = 'kubernetes RateLimits';

export interface KubeQuotaSourceOptions {
  kubeConfig: KubeConfig;
  /** Watch one namespace; default all. */
  namespace?: string;
  log: Logger;
  debounceMs?: number;
  /** Epoch ms clock stamped on snapshots. */
  now?: () => number;
}

/** One RateLimit the current table does not serve as written, and why (`<ns>/<name>: <field>: <rule> (got …)`). */
export interface QuotaProblem {
  id: string;
  message: string;
  /** True when the RateLimit's last good quota is still served in its place. */
  keptLastGood: boolean;
}

/**
 * Quotas from the RateLimit resources of the cluster, watched: an edit applies without a restart.
 *
 * Status has one writer, the RateLimit controller. This source never writes status: the controller
 * parses with the same zod schema and renders through `validateRateLimit` and the same descriptor
 * function that `buildQuotaTable` uses, so every RateLimit left out here is already reported
 * Invalid on its own status, with the same message (the controller is stricter still: it also
 * rejects names too long for the EnvoyFilter suffix). A second writer would have to merge into
 * `status.conditions`, which a merge patch replaces whole, and would race the controller.
 * Here a problem is logged, returned by `problems()` and reported through `onReloadFailed` as a
 * PartialQuotaTableError (the others are served).
 *
 * A RateLimit edited into an unservable spec keeps its last good quota (same uid): the controller
 * leaves its last good EnvoyFilter in place, so Envoy keeps sending that descriptor, and dropping
 * the quota would silently lift the limit. One never served since this process started is left
 * out. Every other RateLimit is unaffected.
 *
 * `start` does not wait for the API server: until the first list completes `current()` is
 * undefined, so the service answers /readyz with 503; the informer retries with backoff and
 * resumes (with a relist) after any watch failure, keeping the last table meanwhile.
 */
export class KubeQuotaSource extends QuotaSnapshotHolder {
  readonly #informer: Informer;
  readonly #opts: KubeQuotaSourceOptions;
  readonly #closing = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  /** Last servable version of each RateLimit, by `<ns>/<name>`. */
  #lastGood = new Map<string, RateLimit>();
  #problems: QuotaProblem[] = [];

  private constructor(informer: Informer, opts: KubeQuotaSourceOptions) {
    super();
    this.#informer = informer;
    this.#opts = opts;
  }

  /** Starts the watch and returns at once; the first table is published when the first list completes. */
  static start(opts: KubeQuotaSourceOptions): Promise<KubeQuotaSource> {
    const log = opts.log.child({ component: 'kube-quota-source' });
    const informer = new Informer({ client: new KubeClient(opts.kubeConfig), kind: RATE_LIMIT, namespace: opts.namespace, log });
    const source = new KubeQuotaSource(informer, opts);
    informer.on(() => source.#schedule());
    informer.start();
    void informer.waitForSync(source.#closing.signal).then((synced) => {
      if (synced && !source.#closing.signal.aborted) source.#rebuild();
    });
    return Promise.resolve(source);
  }

  /** Resolves true once the first table is published, false if the source is closed first. */
  async waitForSync(): Promise<boolean> {
    if (this.current() !== undefined) return true;
    // Informer.waitForSync never settles for a signal that was aborted before the call.
    if (this.#closing.signal.aborted) return false;
    const synced = await this.#informer.waitForSync(this.#closing.signal);
    // The sync handler registered in start() runs first and publishes synchronously.
    return synced && this.current() !== undefined;
  }

  /** The RateLimits the live table does not serve as written, sorted by id. */
  problems(): readonly QuotaProblem[] {
    return this.#problems;
  }

  override async close(): Promise<void> {
    this.#closing.abort();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#informer.stop();
  }

  #schedule(): void {
    // Before the first sync, the sync handler builds the first table from the complete list.
    if (!this.#informer.synced || this.#timer || this.#closing.signal.aborted) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#rebuild();
    }, this.#opts.debounceMs ?? REBUILD_DEBOUNCE_MS);
  }

  /** Rebuilds the whole table from the informer's store and publishes it. */
  #rebuild(): void {
    const { serving, problems } = this.#select(this.#informer.list());
    const { table } = buildQuotaTable(serving);
    this.#lastGood = new Map(serving.map((rl) => [idOf(rl), rl]));
    this.#problems = problems;
    this.publish(snapshotFromTable(table, KUBE_ORIGIN, (this.#opts.now ?? Date.now)()));
    const quotas = Object.values(table.domains).reduce((n, entries) => n + entries.length, 0);
    this.#opts.log.info('quota table rebuilt from RateLimits', { quotas, problems: problems.length });
    if (problems.length === 0) return;
    this.#opts.log.warn('RateLimits not served as written (their status says why)', { problems });
    this.fail(new PartialQuotaTableError(`RateLimits not served as written: ${problems.map(describeProblem).join(' | ')}`));
  }

  /**
   * The RateLimits to serve: each valid one as written, each invalid one by its last good version
   * when it has one (same uid), else none; plus a problem per invalid one.
   */
  #select(objects: readonly KubeObject[]): { serving: RateLimit[]; problems: QuotaProblem[] } {
    const valid: RateLimit[] = [];
    const rejected = new Map<string, string>();
    for (const obj of objects) {
      const parsed = rateLimit.safeParse(obj);
      if (parsed.success) valid.push(parsed.data);
      else rejected.set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, specProblemOf(parsed.error, obj).message);
    }
    for (const e of buildQuotaTable(valid).errors) rejected.set(`${e.namespace}/${e.name}`, e.message);
    const serving = valid.filter((rl) => !rejected.has(idOf(rl)));
    const problems: QuotaProblem[] = [];
    for (const [id, message] of rejected) {
      const last = this.#lastGood.get(id);
      const current = objects.find((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` === id);
      const keptLastGood = last !== undefined && last.metadata.uid === current?.metadata.uid;
      if (keptLastGood) serving.push(last);
      problems.push({ id, message, keptLastGood });
    }
    problems.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { serving, problems };
  }
}

function idOf(rl: RateLimit): string {
  return `${rl.metadata.namespace ?? ''}/${rl.metadata.name}`;
}

function describeProblem(p: QuotaProblem): string {
  return `${p.id}: ${p.message}${p.keptLastGood ? ' (its last good quota is still served)' : ' (not served)'}`;
}
