import { placeOf, problemAt, type InputProblem, type SourceDocument } from './input-problem.ts';

/** `Router sm-verify/web`: what makes a resource one object on the API server (its group aside). */
function identity(value: unknown): string | undefined {
  const v = value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const meta = v.metadata;
  if (typeof v.kind !== 'string' || typeof meta !== 'object' || meta === null) return undefined;
  if (typeof meta.name !== 'string' || typeof meta.namespace !== 'string') return undefined;
  return `${v.kind} ${meta.namespace}/${meta.name}`;
}

/**
 * Resources given more than once in one input (same kind, namespace and name): applied in turn,
 * the last would silently win, so each repeat is a problem naming both places. Run after the
 * default namespace is filled in, so a resource without one clashes with one that names it.
 */
export function duplicateProblems(documents: readonly SourceDocument[]): InputProblem[] {
  const first = new Map<string, SourceDocument>();
  const problems: InputProblem[] = [];
  for (const doc of documents) {
    const id = identity(doc.value);
    if (id === undefined) continue;
    const earlier = first.get(id);
    if (earlier) problems.push(problemAt(doc, ['metadata', 'name'], `${id} is defined twice: here and at ${placeOf(earlier)}`));
    else first.set(id, doc);
  }
  return problems;
}
