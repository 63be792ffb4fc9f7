import { cutText } from '../core/validation/cut-text.ts';
import { formatPath } from '../core/spec-problem.ts';

/** One YAML/JSON document read from a file (or one item of a `kind: List`), with where it came from. */
export interface SourceDocument {
  file: string;
  /** 0-based index of the document inside its file. */
  index: number;
  /** 0-based index inside the document's `items` when it came from a `kind: List`. */
  item?: number;
  value: unknown;
}

/** A problem with the input, located precisely enough to fix it without guessing. */
export interface InputProblem {
  file: string;
  index: number;
  /** Dotted field path, e.g. `spec.subsets[0].versions`; empty for the whole document. */
  path: string;
  message: string;
  /** The value found at `path`, when there is one. */
  received?: unknown;
}

/** Where a document is, for messages: `file#2`, or `file#0 items[3]` for an item of a List. */
export function placeOf(doc: Pick<SourceDocument, 'file' | 'index' | 'item'>): string {
  return doc.item === undefined ? `${doc.file}#${doc.index}` : `${doc.file}#${doc.index} items[${doc.item}]`;
}

/**
 * A problem at `path` inside `doc` (segments, or an already dotted path). Paths inside a List item
 * start at the List (`items[3].spec.hosts`); long keys are cut (cutText).
 */
export function problemAt(doc: SourceDocument, path: string | readonly (string | number)[], message: string, received?: unknown): InputProblem {
  const dotted = typeof path === 'string' ? path : formatPath(path.map((p) => (typeof p === 'string' ? cutText(p) : p)));
  const prefix = doc.item === undefined ? '' : `items[${doc.item}]`;
  const full = prefix === '' ? dotted : dotted === '' ? prefix : dotted.startsWith('[') ? `${prefix}${dotted}` : `${prefix}.${dotted}`;
  const problem: InputProblem = { file: doc.file, index: doc.index, path: full, message };
  if (received !== undefined) problem.received = received;
  return problem;
}

/** A problem with a file or directory as a whole (it has no documents to name). */
export function fileProblem(file: string, message: string): InputProblem {
  return { file, index: 0, path: '', message };
}

/** Formats a problem as `file#doc: path: message (received: value)`, the value cut (cutText). */
export function formatProblem(p: InputProblem): string {
  const where = `${p.file}#${p.index}`;
  const path = p.path ? `${p.path}: ` : '';
  const received = p.received === undefined ? '' : ` (received: ${quote(p.received)})`;
  return `${where}: ${path}${p.message}${received}`;
}

/** JSON of a value, cut; never throws (a value nested too deep for JSON.stringify is named by type). */
export function quote(value: unknown): string {
  try {
    return cutText(JSON.stringify(value) ?? String(value));
  } catch {
    return Array.isArray(value) ? '[…]' : typeof value === 'object' ? '{…}' : typeof value;
  }
}
