/**
 * Mutations of generated documents for the fuzz tests (test support): one field replaced by a
 * value of the wrong type, an unknown field, a huge string, deep nesting, or a key that is also an
 * `Object.prototype` member. What comes out mostly fails its schema; what it must never do is
 * make the schema, the renderer or the layering throw anything but their documented errors.
 */
import { pick, type Rng } from './prng.test-support.ts';
import { deepValue, hugeString } from './values.test-support.ts';
import type { Doc } from './router-gen.test-support.ts';

type Container = Record<string, unknown> | unknown[];
type Slot = { parent: Container; key: string | number };

export const MUTATIONS = ['wrong-type', 'unknown-field', 'huge-string', 'deep-nesting', 'prototype-key', 'remove'] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** Levels of nesting the deep-nesting mutation uses: shallow, deep, and deep enough to test recursion. */
const DEPTHS = [20, 300, 3_000];

function slots(doc: Doc): Slot[] {
  const out: Slot[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        out.push({ parent: value, key: i });
        visit(item);
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        out.push({ parent: value as Record<string, unknown>, key });
        visit(child);
      }
    }
  };
  visit(doc);
  return out;
}

function containers(doc: Doc): Container[] {
  const found: Container[] = [doc];
  for (const s of slots(doc)) {
    const v = (s.parent as Record<string | number, unknown>)[s.key];
    if (typeof v === 'object' && v !== null) found.push(v as Container);
  }
  return found;
}

function wrongType(rng: Rng, current: unknown): unknown {
  const options: unknown[] = [null, 42, -1.5, 'text', true, [], {}, [current], Number.NaN, Number.POSITIVE_INFINITY];
  return pick(rng, options.filter((v) => typeof v !== typeof current || Array.isArray(v) !== Array.isArray(current)));
}

function set(container: Container, key: string | number, value: unknown): void {
  if (Array.isArray(container)) container[Number(key)] = value;
  else Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A copy of `doc` with one mutation (of `only`'s kind, or a random one), and a description of it
 * for failure messages.
 */
export function mutate(rng: Rng, doc: Doc, only?: Mutation): { doc: Doc; mutation: string } {
  const copy = copyDoc(doc);
  const kind = only ?? pick(rng, MUTATIONS);
  const all = slots(copy);
  const slot = all.length > 0 ? pick(rng, all) : undefined;
  const at = (s: Slot | undefined): string => (s ? `${String(s.key)}` : '(root)');
  switch (kind) {
    case 'wrong-type':
      if (slot) set(slot.parent, slot.key, wrongType(rng, (slot.parent as Record<string | number, unknown>)[slot.key]));
      return { doc: copy, mutation: `wrong type at ${at(slot)}` };
    case 'huge-string':
      if (slot) set(slot.parent, slot.key, hugeString(rng));
      return { doc: copy, mutation: `huge string at ${at(slot)}` };
    case 'deep-nesting': {
      const depth = pick(rng, DEPTHS);
      if (slot) set(slot.parent, slot.key, deepValue(rng, depth));
      return { doc: copy, mutation: `nesting ${depth} deep at ${at(slot)}` };
    }
    case 'remove':
      if (slot && !Array.isArray(slot.parent)) delete slot.parent[slot.key as string];
      else if (slot) (slot.parent as unknown[]).splice(Number(slot.key), 1);
      return { doc: copy, mutation: `removed ${at(slot)}` };
    case 'unknown-field':
    case 'prototype-key': {
      const objects = containers(copy).filter((c): c is Record<string, unknown> => !Array.isArray(c));
      const target = pick(rng, objects);
      const key = kind === 'unknown-field' ? pick(rng, ['extra', 'versoins', 'Spec', '']) : pick(rng, ['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
      set(target, key, pick(rng, [{ exact: 'x' }, 'x', 1, { polluted: true }]));
      return { doc: copy, mutation: `key ${JSON.stringify(key)} added to an object with keys [${Object.keys(target).slice(0, 5).join(', ')}]` };
    }
  }
}

/**
 * A deep copy of JSON-like data that does not recurse, so the deep-nesting mutation's values
 * (deeper than structuredClone's stack allows) can be copied; own keys such as `__proto__` stay
 * own keys.
 */
export function copyDoc<T>(value: T): T {
  const fresh = (v: unknown): unknown => (Array.isArray(v) ? [] : typeof v === 'object' && v !== null ? {} : v);
  const root = fresh(value);
  const work: [unknown, unknown][] = [[value, root]];
  while (work.length > 0) {
    const [from, to] = work.pop() as [unknown, unknown];
    if (typeof from !== 'object' || from === null) continue;
    for (const [key, child] of Object.entries(from)) {
      const copy = fresh(child);
      set(to as Container, Array.isArray(to) ? Number(key) : key, copy);
      work.push([child, copy]);
    }
  }
  return root as T;
}

/** With probability `p`, a mutated copy of `doc`; else `doc` itself. */
export function maybeMutate(rng: Rng, doc: Doc, p: number): { doc: Doc; mutation?: string } {
  return rng() < p ? mutate(rng, doc) : { doc };
}

/** Levels of a failing input shown in full; deeper ones are summarised (the deep-nesting mutation goes to thousands). */
const SHOWN_DEPTH = 12;

function summarised(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 40)}…(${value.length} chars)` : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= SHOWN_DEPTH) return '…(nested deeper)';
  if (Array.isArray(value)) return value.map((v) => summarised(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) set(out, k, summarised(v, depth + 1));
  return out;
}

/** A short, cut JSON of a case's input for a failure message. */
export function describeInput(value: unknown, max = 4_000): string {
  const text = JSON.stringify(summarised(value, 0)) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
