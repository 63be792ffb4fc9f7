import type { z } from 'zod';
import { valueAtPath } from '../core/spec-problem.ts';
import { problemAt, type InputProblem, type SourceDocument } from './input-problem.ts';

/**
 * Turns zod issues into located problems carrying the value received at each path. `base` is where
 * the parsed value sits inside the document (e.g. `['metadata']` when only metadata was parsed).
 */
export function zodProblems(doc: SourceDocument, error: z.ZodError, base: readonly (string | number)[] = []): InputProblem[] {
  return error.issues.map((issue) => {
    const path = [...base, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
    return problemAt(doc, path, issue.message, valueAtPath(doc.value, path));
  });
}
