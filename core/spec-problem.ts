import type { z } from 'zod';

/** Why a custom resource cannot be acted on: the field, and a message naming rule and value. */
export interface SpecProblem {
  /** JSON path inside the object, e.g. `spec.subsets[0].versions`. */
  field: string;
  message: string;
}

/**
 * The first schema issue of a failed parse, as `<field>: <rule> (got <value>)`. The value is read
 * from the object at the issue's path, so the message names what the user wrote.
 */
export function specProblemOf(error: z.ZodError, object: unknown): SpecProblem {
  const issue = error.issues[0];
  if (!issue) return { field: '', message: 'invalid object' };
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const field = formatPath(path);
  const value = valueAtPath(object, path);
  const got = value === undefined ? 'nothing' : JSON.stringify(value);
  // Some rules already state the value they received; do not repeat it.
  const message = issue.message.includes('(got ') ? `${field}: ${issue.message}` : `${field}: ${issue.message} (got ${got})`;
  return { field, message };
}

/** `['spec', 'subsets', 0, 'versions']` → `spec.subsets[0].versions`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out === '' ? p : `${out}.${p}`), '');
}

/** The value found at `path` inside `object`, or undefined where the path leaves it. */
export function valueAtPath(object: unknown, path: readonly (string | number)[]): unknown {
  let current = object;
  for (const p of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[p];
  }
  return current;
}
