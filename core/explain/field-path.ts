/** Field paths as users read them (`spec.http[0].route[1].weight`) and the leaves of a JSON value. */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** The path of `key` under `parent`: `.key` for identifiers, `["key"]` otherwise, `[i]` for list items. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!IDENTIFIER.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A leaf: a scalar, or an empty object or list (nothing below it to attribute). */
export function isLeaf(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return true;
}

/** The children of a container, as [key, value] pairs in order. */
export function children(value: unknown): [string | number, unknown][] {
  if (Array.isArray(value)) return value.map((v, i) => [i, v]);
  if (isPlainObject(value)) return Object.entries(value).filter(([, v]) => v !== undefined);
  return [];
}

/** Every leaf under `value`, in document order, with its path. */
export function leaves(value: unknown, path = ''): { path: string; value: unknown }[] {
  if (isLeaf(value)) return [{ path, value }];
  return children(value).flatMap(([key, child]) => leaves(child, childPath(path, key)));
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
}

/** A JSON Pointer relative to an object's spec (`/http/0/timeout`) as a field path (`spec.http[0].timeout`). */
export function pointerToPath(pointer: string): string {
  const tokens = pointer === '' ? [] : pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  return tokens.reduce<string>((path, t) => childPath(path, /^(0|[1-9][0-9]*)$/.test(t) ? Number(t) : t), 'spec');
}
