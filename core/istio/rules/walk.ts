import { joinPath } from '../validate.ts';

/** Defensive readers: jsonPatch can leave any shape, so rule walks never trust a field's type. */

export type Fields = Record<string, unknown>;

export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The records of an array field with their indices; anything else yields nothing. */
export function recordsOf(value: unknown): [number, Fields][] {
  if (!Array.isArray(value)) return [];
  const out: [number, Fields][] = [];
  value.forEach((item: unknown, i) => {
    if (isRecord(item)) out.push([i, item]);
  });
  return out;
}

/** The string items of an array field with their indices. */
export function stringsOf(value: unknown): [number, string][] {
  if (!Array.isArray(value)) return [];
  const out: [number, string][] = [];
  value.forEach((item: unknown, i) => {
    if (typeof item === 'string') out.push([i, item]);
  });
  return out;
}

/** The entries of a map field (`headers`, `labels`); anything else yields nothing. */
export function entriesOf(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}

/** `base[3]` for an index, else joinPath (`base.name`, `headers["x-id"]`). */
export function fieldPath(base: string, key: string | number): string {
  return typeof key === 'number' ? `${base}[${key}]` : joinPath(base, key);
}
