import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeStore, startHarness } from '../service/rls-harness.test-support.ts';
import { FileQuotaSource } from './file-quota-source.ts';
import type { QuotaSnapshot } from './quota-index.ts';

const config = (rpu: number) => `domain: d\ndescriptors:\n  - key: k\n    rate_limit: {unit: minute, requests_per_unit: ${rpu}}\n`;
const KV = [{ key: 'k', value: 'any' }];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-rls-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Resolves with the next published snapshot, or rejects with the next reload error. */
function nextEvent(source: FileQuotaSource): Promise<QuotaSnapshot> {
  return new Promise((resolve, reject) => {
    const offs = [source.onChange((s) => (offs.forEach((f) => f()), resolve(s))), source.onReloadFailed((e) => (offs.forEach((f) => f()), reject(e)))];
  });
}

describe('FileQuotaSource', () => {
  it('loads, reloads on change, and keeps the last good table after a bad reload', async () => {
    const path = join(dir, 'quotas.yaml');
    await writeFile(path, config(5));
    const source = await FileQuotaSource.open(path, { debounceMs: 20 });
    try {
      expect(source.current()?.index.match('d', KV)?.entry.requestsPerUnit).toBe(5);

      let event = nextEvent(source);
      await writeFile(path, config(7));
      expect((await event).index.match('d', KV)?.entry.requestsPerUnit).toBe(7);

      event = nextEvent(source);
      await writeFile(path, 'domain: d\ndescriptors:\n  - key: k\n    rate_limit: {unit: fortnight}\n');
      await expect(event).rejects.toThrow('quotas.yaml: descriptors[0].rate_limit.unit: must be one of second, minute, hour, day, week, month, year (got "fortnight")');
      expect(source.current()?.index.match('d', KV)?.entry.requestsPerUnit).toBe(7);
    } finally {
      await source.close();
    }
  });

  it('refuses to start on a bad file (nothing to keep yet)', async () => {
    const path = join(dir, 'quotas.yaml');
    await writeFile(path, 'domain: ""\n');
    await expect(FileQuotaSource.open(path)).rejects.toThrow('quotas.yaml: domain: must be a non-empty string (got "")');
  });

  it('through the service: new limits apply without restart; reloads are counted and logged', async () => {
    const path = join(dir, 'quotas.yaml');
    await writeFile(path, config(1));
    const source = await FileQuotaSource.open(path, { debounceMs: 20 });
    const lines: string[] = [];
    const { jsonLogger } = await import('../service/json-logger.ts');
    const h = await startHarness(source, new FakeStore(), { log: jsonLogger((l) => lines.push(l), () => 0) });
    try {
      const ask = async () => (await h.call({ domain: 'd', descriptors: [{ entries: KV }] })).overall_code;
      expect([await ask(), await ask()]).toEqual(['OK', 'OVER_LIMIT']);
      let event = nextEvent(source);
      await writeFile(path, config(100));
      await event;
      expect(await ask()).toBe('OK');
      event = nextEvent(source);
      await writeFile(path, 'not: [valid');
      await event.catch(() => undefined);
      expect(await ask()).toBe('OK');
      const metrics = await h.service.metrics.expose();
      expect(metrics).toContain('switchyard_rls_config_reloads_total{result="success"} 2\n');
      expect(metrics).toContain('switchyard_rls_config_reloads_total{result="failure"} 1\n');
      const failure = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 'error');
      expect(failure).toEqual({ time: '1970-01-01T00:00:00.000Z', level: 'error', msg: 'quota table reload failed; keeping the last good table', error: expect.stringMatching(/^quotas\.yaml: invalid YAML: /) });
    } finally {
      await h.close();
    }
  });
});
