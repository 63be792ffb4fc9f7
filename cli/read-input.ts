import { classify, type Resources } from './classify.ts';
import { loadDocuments, type InputProblem } from './load-documents.ts';

/** Reads and validates resources; fills metadata.namespace with `namespace` where absent. */
export function readResources(paths: string[], namespace: string, allowIstio = false): { resources: Resources; problems: InputProblem[] } {
  const loaded = loadDocuments(paths);
  for (const doc of loaded.documents) {
    const v = doc.value as { metadata?: { namespace?: string } };
    if (v && typeof v === 'object' && v.metadata && typeof v.metadata === 'object' && !v.metadata.namespace) v.metadata.namespace = namespace;
  }
  const classified = classify(loaded.documents, allowIstio);
  return { resources: classified.resources, problems: [...loaded.problems, ...classified.problems] };
}
