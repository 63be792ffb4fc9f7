/** One descriptor entry as Envoy sends it. */
export interface KeyEntry {
  key: string;
  value: string;
}

/**
 * Characters kept as they are in counter keys. Everything else is escaped, notably `_` (the field
 * separator), `%` (the escape character), `{`/`}` (Redis Cluster hash tags: a value carrying one
 * would pin unrelated keys to one slot) and whitespace.
 */
const KEY_SAFE = /[A-Za-z0-9.\-:/=]/;
/** A field made only of KEY_SAFE characters (most are): kept whole, without a per-character walk. */
const ALL_KEY_SAFE = /^[A-Za-z0-9.\-:/=]*$/;

/** Suffixes of token-bucket and sliding-window keys; never a window start (those are digits), so none can meet. */
const TOKEN_BUCKET_SUFFIX = 'gcra';
const SLIDING_WINDOW_SUFFIX = 'sliding';

/**
 * Escapes one key field injectively: ASCII outside KEY_SAFE becomes `%XX`, any other UTF-16 code
 * unit `%uXXXX` (per code unit, so even lone surrogates stay distinct). The result has no `_`.
 */
export function escapeKeyPart(text: string): string {
  // Computed for every hit; a burst on one key builds the same key once per call.
  if (ALL_KEY_SAFE.test(text)) return text;
  let out = '';
  for (const ch of text) {
    if (KEY_SAFE.test(ch)) {
      out += ch;
      continue;
    }
    for (let i = 0; i < ch.length; i++) {
      const code = ch.charCodeAt(i);
      out += code < 0x80 ? `%${hex(code, 2)}` : `%u${hex(code, 4)}`;
    }
  }
  return out;
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

/** `domain_key1_value1_key2_value2`, every field escaped, so distinct descriptors never share it. */
function descriptorPart(domain: string, entries: readonly KeyEntry[]): string {
  const fields = [domain];
  for (const e of entries) fields.push(e.key, e.value);
  return fields.map(escapeKeyPart).join('_');
}

/**
 * The fixed-window counter key, in the reference service's shape:
 * prefix + domain + `_` + `key_value` of each entry + `_` + window start (unix seconds).
 * The prefix is used verbatim (it is configuration, not request data).
 */
export function fixedWindowKey(prefix: string, domain: string, entries: readonly KeyEntry[], windowStartMs: number): string {
  return `${prefix}${descriptorPart(domain, entries)}_${Math.floor(windowStartMs / 1_000)}`;
}

/** The token-bucket state key: like the fixed-window key, with `gcra` in place of the window start. */
export function tokenBucketKey(prefix: string, domain: string, entries: readonly KeyEntry[]): string {
  return `${prefix}${descriptorPart(domain, entries)}_${TOKEN_BUCKET_SUFFIX}`;
}

/** The sliding-window state key: like the fixed-window key, with `sliding` in place of the window start. */
export function slidingWindowKey(prefix: string, domain: string, entries: readonly KeyEntry[]): string {
  return `${prefix}${descriptorPart(domain, entries)}_${SLIDING_WINDOW_SUFFIX}`;
}
