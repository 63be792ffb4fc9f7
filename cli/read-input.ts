import { classify, type Resources } from './classify.ts';
import { duplicateProblems } from './duplicates.ts';
import { loadDocuments, type InputProblem } from './load-documents.ts';

/**
 * Reads and validates resources; fills metadata.namespace with `namespace` where absent. With
 * `allowLive`, live VirtualServices, DestinationRules and Services are read too (`plan --live`).
 */
export function readResources(paths: string[], namespace: string, allowLive = false): { resources: Resources; problems: InputProblem[] } {
  const loaded = loadDocuments(paths);
  for (const doc of loaded.documents) {
    const v = doc.value as { metadata?: { namespace?: string } };
    if (v.metadata && typeof v.metadata === 'object' && !Array.isArray(v.metadata) && (v.metadata.namespace === undefined || v.metadata.namespace === '')) v.metadata.namespace = namespace;
  }
  const classified = classify(loaded.documents, allowLive);
  return { resources: classified.resources, problems: [...loaded.problems, ...duplicateProblems(loaded.documents), ...classified.problems] };
}
