import { rateLimit, type RateLimit } from '../../api/rate-limit.ts';
import { buildQuotaTable, type QuotaTable } from '../../core/ratelimit/quota-table.ts';
import { ConfigError, showValue } from './config-error.ts';

/**
 * Turns already YAML-decoded documents holding Switchyard RateLimit resources into a quota table.
 * Accepted shapes: one document holding a list of RateLimits, or one RateLimit per document.
 * Strict, unlike the Kubernetes path: any invalid resource fails the whole load (the last good
 * table stays live), because a file is edited by hand and its author wants to hear about mistakes.
 */
export function switchyardQuotaTable(origin: string, docs: unknown[]): QuotaTable {
  const items: { at: string; raw: unknown }[] =
    docs.length === 1 && Array.isArray(docs[0])
      ? docs[0].map((raw, i) => ({ at: `[${i}]`, raw }))
      : docs.map((raw, i) => ({ at: `documents[${i}]`, raw }));
  const resources: RateLimit[] = items.map(({ at, raw }) => parseResource(origin, at, raw));
  const { table, errors } = buildQuotaTable(resources);
  const first = errors[0];
  if (first !== undefined) {
    const at = items[resources.findIndex((r) => r.metadata.name === first.name && (r.metadata.namespace ?? '') === first.namespace)]?.at ?? '';
    throw new ConfigError(origin, at, `RateLimit ${first.namespace}/${first.name}: ${first.message}`);
  }
  return table;
}

function parseResource(origin: string, at: string, raw: unknown): RateLimit {
  const kind = typeof raw === 'object' && raw !== null ? (raw as { kind?: unknown }).kind : undefined;
  if (kind !== 'RateLimit') throw new ConfigError(origin, `${at}.kind`, `must be RateLimit (got ${showValue(kind)})`);
  const parsed = rateLimit.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? '';
  throw new ConfigError(origin, `${at}${path}`, issue?.message ?? parsed.error.message);
}
