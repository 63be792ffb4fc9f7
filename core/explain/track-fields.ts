import { children, childPath, isLeaf, isPlainObject, jsonEqual, leaves } from './field-path.ts';
import type { FieldProvenance, FilterOrigin, Origin, Overwritten, RemovedField } from './types.ts';

/** The provenance of every leaf of one object's current state, by path. */
export type FieldMap = ReadonlyMap<string, FieldProvenance>;

/** Every leaf of `object` set by `origin` (the rendered base object). */
export function originalFields(object: unknown, origin: Origin): Map<string, FieldProvenance> {
  return new Map(leaves(object).map((l) => [l.path, { path: l.path, value: l.value, setBy: origin }]));
}

/**
 * The provenance after one patch turned `before` into `after`: leaves the patch left alone keep
 * their origin (also when a list item merely moved, e.g. a route inserted ahead of it); changed and
 * added leaves are set by `origin` (asked per path, so a jsonPatch can be narrowed to its op),
 * remembering what they overwrote; leaves that are gone are
 * returned as removed. Unchanged subtrees are recognised by identity first (patches share them).
 */
export function trackStep(before: unknown, after: unknown, fields: FieldMap, origin: (path: string) => FilterOrigin): { fields: Map<string, FieldProvenance>; removed: RemovedField[] } {
  const next = new Map<string, FieldProvenance>();
  const removed: RemovedField[] = [];
  const carry = (value: unknown, from: string, to: string): void => {
    for (const l of leaves(value)) {
      const old = fields.get(childSuffix(from, l.path));
      if (old) next.set(childSuffix(to, l.path), { ...old, path: childSuffix(to, l.path) });
    }
  };
  const remove = (value: unknown, from: string): void => {
    for (const l of leaves(value)) {
      const old = fields.get(childSuffix(from, l.path));
      if (old) removed.push({ path: old.path, value: old.value, setBy: old.setBy, removedBy: origin(old.path) });
    }
  };
  const set = (value: unknown, to: string, previous: unknown, from: string): void => {
    const replacesLeaf = previous !== undefined && isLeaf(previous) && isLeaf(value);
    if (previous !== undefined && !replacesLeaf) remove(previous, from);
    const old = replacesLeaf ? fields.get(from) : undefined;
    for (const l of leaves(value)) {
      const path = childSuffix(to, l.path);
      next.set(path, { path, value: l.value, setBy: origin(path), ...(old ? { overwrote: overwritten(old) } : {}) });
    }
  };
  const walk = (b: unknown, a: unknown, from: string, to: string): void => {
    if (b === a || jsonEqual(b, a)) return carry(a, from, to);
    if (Array.isArray(b) && Array.isArray(a) && !isLeaf(a) && !isLeaf(b)) return walkList(b, a, from, to);
    if (isPlainObject(b) && isPlainObject(a) && !isLeaf(a) && !isLeaf(b)) {
      for (const [key, child] of children(a)) {
        const prev = b[key as string];
        if (prev === undefined) set(child, childPath(to, key), undefined, childPath(from, key));
        else walk(prev, child, childPath(from, key), childPath(to, key));
      }
      for (const [key, child] of children(b)) if (a[key as string] === undefined) remove(child, childPath(from, key));
      return;
    }
    set(a, to, b, from);
  };
  // A list item equal to one of the old items carries its provenance from there (it moved);
  // otherwise it is compared with the old item at its own index.
  const walkList = (b: unknown[], a: unknown[], from: string, to: string): void => {
    const matched = a.map((item, i) => (i < b.length && jsonEqual(b[i], item) ? i : undefined));
    const used = new Set(matched.filter((j) => j !== undefined));
    a.forEach((item, i) => {
      if (matched[i] !== undefined) return;
      const j = b.findIndex((old, k) => !used.has(k) && jsonEqual(old, item));
      if (j < 0) return;
      matched[i] = j;
      used.add(j);
    });
    a.forEach((item, i) => {
      const j = matched[i];
      if (j !== undefined) return carry(item, childPath(from, j), childPath(to, i));
      if (i < b.length && !used.has(i)) {
        used.add(i);
        return walk(b[i], item, childPath(from, i), childPath(to, i));
      }
      set(item, childPath(to, i), undefined, childPath(from, i));
    });
    b.forEach((item, k) => !used.has(k) && remove(item, childPath(from, k)));
  };
  walk(before, after, '', '');
  return { fields: next, removed };
}

function overwritten(old: FieldProvenance): Overwritten {
  return { value: old.value, setBy: old.setBy, ...(old.overwrote ? { overwrote: old.overwrote } : {}) };
}

/** `base` + a path relative to it (leaves() paths start without a separator for keys). */
function childSuffix(base: string, relative: string): string {
  if (relative === '') return base;
  if (base === '' || relative.startsWith('[')) return `${base}${relative}`;
  return `${base}.${relative}`;
}
