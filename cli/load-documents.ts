import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { fileProblem, problemAt, type InputProblem, type SourceDocument } from './input-problem.ts';
import { fsErrorMessage, manifestFiles } from './manifest-files.ts';

export { formatProblem, type InputProblem, type SourceDocument } from './input-problem.ts';

/**
 * Alias expansions allowed per document (yaml's `maxAliasCount`, its default made explicit).
 * Manifests rarely use aliases at all; an "alias bomb" (aliases of aliases of lists) expands to
 * billions of nodes from a few hundred bytes, and refusing it is the point.
 */
export const MAX_YAML_ALIASES = 100;

/**
 * Reads every document of every file. Never throws for bad input: YAML syntax errors, alias bombs,
 * recursive aliases and documents that are not mappings become problems naming file and document.
 * A `kind: List` (what `kubectl get a,b -o yaml` prints) is replaced by its items.
 */
export function loadDocuments(paths: string[]): { documents: SourceDocument[]; problems: InputProblem[] } {
  const { files, problems } = manifestFiles(paths);
  const documents: SourceDocument[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      problems.push(fileProblem(file, fsErrorMessage(err)));
      continue;
    }
    const parsed = parseFile(file, text);
    documents.push(...parsed.documents);
    problems.push(...parsed.problems);
  }
  return { documents, problems };
}

function parseFile(file: string, text: string): { documents: SourceDocument[]; problems: InputProblem[] } {
  const documents: SourceDocument[] = [];
  const problems: InputProblem[] = [];
  let parsed;
  try {
    // `logLevel: 'error'`: yaml would otherwise print a process warning to stderr (e.g. for a
    // mapping key that is itself a collection); every problem is reported through `problems`.
    parsed = parseAllDocuments(text, { logLevel: 'error' });
  } catch (err) {
    return { documents, problems: [fileProblem(file, `YAML: ${firstLine(err)}`)] };
  }
  const yamlDocuments = Array.isArray(parsed) ? parsed : [];
  yamlDocuments.forEach((doc, index) => {
    const at: SourceDocument = { file, index, value: undefined };
    if (doc.errors.length > 0) {
      for (const e of doc.errors) problems.push(problemAt(at, '', `YAML syntax: ${firstLine(e)}`));
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (err) {
      problems.push(problemAt(at, '', yamlValueMessage(err)));
      return;
    }
    if (value === null || value === undefined) return; // empty document between separators
    if (isRecursive(value)) {
      problems.push(problemAt(at, '', 'YAML: an alias refers to a node that contains it (a recursive structure)'));
      return;
    }
    const expanded = expandList({ file, index, value });
    documents.push(...expanded.documents);
    problems.push(...expanded.problems);
  });
  return { documents, problems };
}

/** A `kind: List` becomes its items (each remembers its position); any other document is kept. */
function expandList(doc: SourceDocument): { documents: SourceDocument[]; problems: InputProblem[] } {
  const v = doc.value as { apiVersion?: unknown; kind?: unknown; items?: unknown };
  if (!isMapping(v)) return { documents: [], problems: [notAnObject(doc)] };
  if (v.kind !== 'List') return { documents: [doc], problems: [] };
  if (!Array.isArray(v.items)) return { documents: [], problems: [problemAt(doc, ['items'], 'a List needs items: a list of objects', v.items ?? null)] };
  const documents: SourceDocument[] = [];
  const problems: InputProblem[] = [];
  v.items.forEach((value: unknown, item) => {
    const entry: SourceDocument = { file: doc.file, index: doc.index, item, value };
    if (isMapping(value)) documents.push(entry);
    else problems.push(notAnObject(entry));
  });
  return { documents, problems };
}

function notAnObject(doc: SourceDocument): InputProblem {
  const what = Array.isArray(doc.value) ? 'a list' : doc.value === null ? 'null' : `a ${typeof doc.value}`;
  return problemAt(doc, '', `must be a Kubernetes object (a mapping with apiVersion and kind), got ${what}`, doc.value);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** yaml's own words are cryptic for the alias limit; say what the limit is. */
function yamlValueMessage(err: unknown): string {
  const message = firstLine(err);
  if (/alias count/i.test(message)) return `YAML: aliases expand to too many nodes (more than maxAliasCount ${MAX_YAML_ALIASES}), as in an alias bomb`;
  return `YAML: ${message}`;
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0] ?? '';
}

/**
 * Whether a value contains itself (YAML allows `&a [*a]`; JSON and Kubernetes do not). Iterative,
 * so deep nesting cannot overflow the stack; shared (aliased) nodes are visited once.
 */
export function isRecursive(root: unknown): boolean {
  const state = new Map<object, 'open' | 'done'>();
  const stack: { node: object; children: unknown[]; next: number }[] = [];
  const enter = (value: unknown): boolean => {
    if (typeof value !== 'object' || value === null) return false;
    const seen = state.get(value);
    if (seen !== undefined) return seen === 'open';
    state.set(value, 'open');
    stack.push({ node: value, children: Object.values(value), next: 0 });
    return false;
  };
  if (enter(root)) return true;
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as (typeof stack)[number];
    if (top.next < top.children.length) {
      if (enter(top.children[top.next++])) return true;
    } else {
      state.set(top.node, 'done');
      stack.pop();
    }
  }
  return false;
}
