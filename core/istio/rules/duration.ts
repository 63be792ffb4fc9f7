/**
 * Durations as the Istio CRDs' CEL rules read them (`duration(self)`, Go's time.ParseDuration:
 * `1h2m`, `1.5s`, `250ms`, `0.0000001s`), in exact integer nanoseconds.
 */

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const COMPONENT = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/y;
const MILLISECOND = 1_000_000n;
/**
 * Go's time.Duration is an int64 of nanoseconds (about 292 years): ParseDuration refuses
 * anything longer, so the CRDs' `duration(self)` fails on it and the API server refuses the object.
 */
const MAX_DURATION_NANOS = 2n ** 63n - 1n;

/** The CRDs' rule on every duration field; the API server refuses anything below. */
export const MIN_DURATION_RULE = "must be a valid duration of at least 1ms (CRD rule: duration(self) >= duration('1ms'))";
/** istiod's ValidateDuration on route timeouts, retries and delays. */
export const MS_PRECISION_RULE = 'must be a whole number of milliseconds (Istio supports ms precision only)';

/** Nanoseconds of a Go duration string, or undefined when it does not parse (as Go's ParseDuration, past int64 too). */
export function durationNanos(text: string): bigint | undefined {
  const sign = text.startsWith('-') ? -1n : 1n;
  const body = text.replace(/^[-+]/, '');
  if (body === '0') return 0n;
  if (body === '') return undefined;
  let total = 0n;
  COMPONENT.lastIndex = 0;
  while (COMPONENT.lastIndex < body.length) {
    const m = COMPONENT.exec(body);
    if (!m) return undefined;
    const [, whole = '', fraction = '', unit = ''] = m;
    if (whole === '' && fraction === '') return undefined;
    const scale = UNIT_NANOS[unit] ?? 0n;
    total += BigInt(whole || '0') * scale;
    if (fraction !== '') total += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
  }
  if (total > MAX_DURATION_NANOS + (sign < 0n ? 1n : 0n)) return undefined;
  return sign * total;
}

/** The CRD's rule: a string that parses and is at least 1ms. Non-strings are left to the schema check. */
export function minDurationRule(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const nanos = durationNanos(value);
  return nanos === undefined || nanos < MILLISECOND ? MIN_DURATION_RULE : undefined;
}

/** istiod's rule on route durations: at least 1ms and a whole number of milliseconds. */
export function routeDurationRule(value: unknown): string | undefined {
  const min = minDurationRule(value);
  if (min !== undefined || typeof value !== 'string') return min;
  return (durationNanos(value) ?? 0n) % MILLISECOND === 0n ? undefined : MS_PRECISION_RULE;
}
