import type { QuotaTable } from '../../core/ratelimit/quota-table.ts';
import { indexQuotaTable, type QuotaSnapshot } from './quota-index.ts';

/**
 * Reported through `onReloadFailed` when a new table was published without some quotas: the rest
 * are served (a warning, not a failed reload). The message names each quota left out and why.
 */
export class PartialQuotaTableError extends Error {
  override readonly name = 'PartialQuotaTableError';
}

/**
 * Where the service gets its quotas. `current()` is read on every request (must be cheap);
 * a source publishes a whole new snapshot on change and never a partial one. A failed reload
 * leaves `current()` unchanged and is reported through `onReloadFailed`.
 */
export interface QuotaTableSource {
  /** The live snapshot, or undefined before the first successful load. */
  current(): QuotaSnapshot | undefined;
  /** Called after each successful (re)load with the new snapshot. Returns an unsubscribe function. */
  onChange(listener: (snapshot: QuotaSnapshot) => void): () => void;
  /**
   * Called when a reload fails (the previous snapshot stays live), or with PartialQuotaTableError
   * when a published snapshot leaves some quotas out. Returns an unsubscribe function.
   */
  onReloadFailed(listener: (error: Error) => void): () => void;
  /** Stops watching. */
  close(): Promise<void>;
}

/**
 * The bookkeeping every source shares: holds the live snapshot and tells listeners. A source
 * (file, or the Kubernetes RateLimit watch) calls `publish` or `fail`.
 */
export class QuotaSnapshotHolder implements QuotaTableSource {
  #snapshot: QuotaSnapshot | undefined;
  readonly #changeListeners = new Set<(snapshot: QuotaSnapshot) => void>();
  readonly #failureListeners = new Set<(error: Error) => void>();

  current(): QuotaSnapshot | undefined {
    return this.#snapshot;
  }

  onChange(listener: (snapshot: QuotaSnapshot) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  onReloadFailed(listener: (error: Error) => void): () => void {
    this.#failureListeners.add(listener);
    return () => this.#failureListeners.delete(listener);
  }

  publish(snapshot: QuotaSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#changeListeners) listener(snapshot);
  }

  fail(error: Error): void {
    for (const listener of this.#failureListeners) listener(error);
  }

  async close(): Promise<void> {}
}

/** A snapshot of a Switchyard quota table (what the Kubernetes source publishes after buildQuotaTable). */
export function snapshotFromTable(table: QuotaTable, origin: string, nowMs: number): QuotaSnapshot {
  return { index: indexQuotaTable(table), origin, format: 'switchyard', loadedAt: nowMs };
}

/** A source with a fixed table (tests, demos). */
export function staticQuotaSource(table: QuotaTable, nowMs = 0): QuotaTableSource {
  const holder = new QuotaSnapshotHolder();
  holder.publish(snapshotFromTable(table, 'static', nowMs));
  return holder;
}
