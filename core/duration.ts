import { DURATION } from '../api/meta.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `5s`, `250ms`, `1m30s` into milliseconds; throws naming the flag, rule and value. */
export function parseDuration(text: string, field: string): number {
  if (!DURATION.test(text)) throw new Error(`${field} must be a duration such as 5s, 250ms or 1m30s (got ${JSON.stringify(text)})`);
  let total = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) total += Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 0);
  return Math.round(total);
}
