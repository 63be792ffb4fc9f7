import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { ConfigError } from './config-error.ts';
import { parseConfigText } from './load-config-file.ts';
import { QuotaSnapshotHolder } from './quota-source.ts';

/**
 * Editors save in several writes and a Kubernetes ConfigMap update swaps symlinks in a few steps;
 * 100 ms gathers one save into one reload while still feeling immediate.
 */
export const RELOAD_DEBOUNCE_MS = 100;

export interface FileQuotaSourceOptions {
  /** Epoch ms clock stamped on snapshots. */
  now?: () => number;
  debounceMs?: number;
}

/**
 * Quotas from a YAML file (either format, see `parseConfigText`), reloaded when the file changes.
 * The parent directory is watched, not the file: editors replace files by rename and ConfigMap
 * volumes swap a `..data` symlink, both of which a watch on the file itself would miss.
 * Unchanged content is not reloaded. A bad reload keeps the last good snapshot and is reported.
 */
export class FileQuotaSource extends QuotaSnapshotHolder {
  readonly path: string;
  readonly #now: () => number;
  readonly #debounceMs: number;
  #watcher: FSWatcher | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastText: string | undefined;
  /** Content that failed last time: not re-reported on every unrelated directory event. */
  #lastFailedText: string | undefined;
  #reloading: Promise<void> = Promise.resolve();

  private constructor(path: string, options: FileQuotaSourceOptions) {
    super();
    this.path = path;
    this.#now = options.now ?? Date.now;
    this.#debounceMs = options.debounceMs ?? RELOAD_DEBOUNCE_MS;
  }

  /** Loads the file (throws ConfigError when it is bad: nothing to keep yet) and starts watching. */
  static async open(path: string, options: FileQuotaSourceOptions = {}): Promise<FileQuotaSource> {
    const source = new FileQuotaSource(path, options);
    const text = await readFile(path, 'utf8');
    source.publish(parseConfigText(basename(path), text, source.#now()));
    source.#lastText = text;
    source.#watcher = watch(dirname(path), () => source.#schedule());
    source.#watcher.on('error', (err) => source.fail(err));
    return source;
  }

  /** Re-reads the file now (also what a change event triggers). Resolves after publish or fail. */
  reload(): Promise<void> {
    this.#reloading = this.#reloading.then(() => this.#reloadOnce());
    return this.#reloading;
  }

  override async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#watcher?.close();
    await this.#reloading;
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.reload(), this.#debounceMs);
  }

  async #reloadOnce(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      this.fail(new ConfigError(basename(this.path), '', `cannot be read: ${(err as Error).message}`));
      return;
    }
    if (text === this.#lastText || text === this.#lastFailedText) return;
    try {
      const snapshot = parseConfigText(basename(this.path), text, this.#now());
      this.#lastText = text;
      this.#lastFailedText = undefined;
      this.publish(snapshot);
    } catch (err) {
      this.#lastFailedText = text;
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
