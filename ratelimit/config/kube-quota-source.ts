import type { KubeConfig } from '@kubernetes/client-node';
import { rateLimit, type RateLimit } from '../../api/rate-limit.ts';
import { Informer } from '../../controllers/runtime/informer.ts';
import { RATE_LIMIT } from '../../controllers/runtime/kinds.ts';
import { KubeClient } from '../../controllers/runtime/kube-client.ts';
import type { Logger as RuntimeLogger } from '../../controllers/runtime/types.ts';
import { buildQuotaTable } from '../quota/quota-table.ts';
import type { Logger } from '../service/json-logger.ts';
import { QuotaSnapshotHolder, snapshotFromTable } from './quota-source.ts';

/** Edits often arrive in bursts (kubectl apply -f dir/); one rebuild per burst is enough. */
export const REBUILD_DEBOUNCE_MS = 100;

export interface KubeQuotaSourceOptions {
  kubeConfig: KubeConfig;
  /** Watch one namespace; default all. */
  namespace?: string;
  log: Logger;
  debounceMs?: number;
  now?: () => number;
}

/**
 * Quotas from the RateLimit resources of the cluster, watched (an edit applies without restart).
 *
 * Single writer of RateLimit status: the RateLimit controller. It validates with the same zod
 * schema and the same renderer rules that buildQuotaTable applies, and reports a bad RateLimit as
 * Invalid on its status; this source only leaves such a RateLimit out of the table (logged with the
 * exact message, counted through onReloadFailed) while every other quota stays live. Until the
 * first list completes, `current()` is undefined, so the service is not ready.
 */
export class KubeQuotaSource extends QuotaSnapshotHolder {
  readonly #informer: Informer;
  readonly #opts: KubeQuotaSourceOptions;
  #timer: NodeJS.Timeout | undefined;

  private constructor(informer: Informer, opts: KubeQuotaSourceOptions) {
    super();
    this.#informer = informer;
    this.#opts = opts;
  }

  static async start(opts: KubeQuotaSourceOptions): Promise<KubeQuotaSource> {
    const log = runtimeLogger(opts.log, { component: 'kube-quota-source' });
    const informer = new Informer({ client: new KubeClient(opts.kubeConfig), kind: RATE_LIMIT, namespace: opts.namespace, log });
    const source = new KubeQuotaSource(informer, opts);
    informer.on(() => source.#schedule());
    informer.start();
    await informer.waitForSync();
    source.#rebuild();
    return source;
  }

  #schedule(): void {
    if (!this.#informer.synced || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#rebuild();
    }, this.#opts.debounceMs ?? REBUILD_DEBOUNCE_MS);
  }

  /** Rebuilds the whole table from the cache; invalid RateLimits are left out, never the rest. */
  #rebuild(): void {
    const valid: RateLimit[] = [];
    const problems: string[] = [];
    for (const obj of this.#informer.list()) {
      const parsed = rateLimit.safeParse(obj);
      if (parsed.success) valid.push(parsed.data);
      else problems.push(`${obj.metadata.namespace}/${obj.metadata.name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const { table, errors } = buildQuotaTable(valid);
    for (const e of errors) problems.push(`${e.namespace}/${e.name}: ${e.field}: ${e.message}`);
    const now = (this.#opts.now ?? Date.now)();
    this.publish(snapshotFromTable(table, 'kubernetes RateLimits', now));
    const count = Object.values(table.domains).reduce((n, entries) => n + entries.length, 0);
    this.#opts.log.info('quota table rebuilt from RateLimits', { quotas: count, excluded: problems.length });
    if (problems.length > 0) {
      this.#opts.log.warn('RateLimits left out of the quota table', { problems });
      this.fail(new Error(`RateLimits left out of the quota table: ${problems.join(' | ')}`));
    }
  }

  override async close(): Promise<void> {
    clearTimeout(this.#timer);
    await this.#informer.stop();
  }
}

/** The service's logger in the shape the runtime's Informer expects (debug is dropped). */
function runtimeLogger(base: Logger, fields: Record<string, unknown>): RuntimeLogger {
  const merge = (extra?: Record<string, unknown>) => ({ ...fields, ...extra });
  return {
    debug: () => {},
    info: (msg, extra) => base.info(msg, merge(extra)),
    warn: (msg, extra) => base.warn(msg, merge(extra)),
    error: (msg, extra) => base.error(msg, merge(extra)),
    child: (more) => runtimeLogger(base, { ...fields, ...more }),
  };
}
