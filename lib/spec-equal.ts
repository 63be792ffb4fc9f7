/**
 * Semantic deep equality of JSON-like values as the API server stores them: object key order is
 * ignored, a key holding `undefined` counts as absent, array order counts. Used to skip writes
 * whose content is already live (every write makes istiod push config to every proxy).
 */
export function specEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => specEqual(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) {
    if (!specEqual(left[key], right[key])) return false;
  }
  return true;
}
