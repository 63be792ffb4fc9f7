import { leaves } from './field-path.ts';
import { scalarText } from './format-explanation.ts';

/** A spec leaf where the live object differs from the one the controller computes. */
export interface Drift {
  path: string;
  /** Absent: the live object lacks the field. */
  live?: unknown;
  /** Absent: the computed object lacks the field (someone added it). */
  computed?: unknown;
}

/**
 * The spec leaves where `live` differs from `computed` (e.g. a hand edit the controller has not
 * reverted yet, or a step of a make-before-break transition in progress). Only `spec` is compared:
 * the API server adds its own metadata.
 */
export function specDrift(computed: { spec?: unknown }, live: { spec?: unknown }): Drift[] {
  const want = new Map(leaves(computed.spec ?? {}, 'spec').map((l) => [l.path, l.value]));
  const have = new Map(leaves(live.spec ?? {}, 'spec').map((l) => [l.path, l.value]));
  const out: Drift[] = [];
  for (const [path, value] of want) {
    if (!have.has(path)) out.push({ path, computed: value });
    else if (scalarText(have.get(path)) !== scalarText(value)) out.push({ path, live: have.get(path), computed: value });
  }
  for (const [path, value] of have) if (!want.has(path)) out.push({ path, live: value });
  return out;
}

/** One line per drift: `spec.http[0].route[0].weight  live 50  computed 90`. */
export function formatDrift(kind: string, name: string, drift: readonly Drift[]): string {
  if (drift.length === 0) return `# live ${kind} ${name} matches the computed one`;
  const width = Math.max(...drift.map((d) => d.path.length));
  const show = (v: unknown): string => (v === undefined ? '(absent)' : scalarText(v));
  return [`# live ${kind} ${name} differs from the computed one (${drift.length} field${drift.length === 1 ? '' : 's'}):`, ...drift.map((d) => `#   ${d.path.padEnd(width)}  live ${show(d.live)}  computed ${show(d.computed)}`)].join('\n');
}
