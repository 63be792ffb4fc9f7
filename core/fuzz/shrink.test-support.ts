/**
 * Greedy shrinking of a failing fuzz case (test support): drop filters, then patches, then JSON
 * Patch ops, keeping each drop while the check still fails, so the failure message shows a small
 * input rather than the random one.
 */
import { copyDoc } from './mutate.test-support.ts';
import type { Doc } from './router-gen.test-support.ts';

export interface FuzzCase {
  routerDoc: Doc;
  filterDocs: Doc[];
}

/** Bound on check runs while shrinking: each is a render and a layering, a few milliseconds. */
const MAX_ATTEMPTS = 400;

function listAt(doc: Doc, path: string[]): unknown[] | undefined {
  let node: unknown = doc;
  for (const key of path) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return Array.isArray(node) ? node : undefined;
}

/** Every case one step smaller than `c`: one filter, one patch or one op fewer. */
function smaller(c: FuzzCase): FuzzCase[] {
  const out: FuzzCase[] = c.filterDocs.map((_, i) => ({ ...c, filterDocs: c.filterDocs.filter((__, j) => j !== i) }));
  c.filterDocs.forEach((doc, i) => {
    const patches = listAt(doc, ['spec', 'patches']) ?? [];
    for (let p = 0; p < patches.length; p++) {
      if (patches.length > 1) {
        const copy = copyDoc(doc);
        (listAt(copy, ['spec', 'patches']) as unknown[]).splice(p, 1);
        out.push({ ...c, filterDocs: c.filterDocs.map((d, j) => (j === i ? copy : d)) });
      }
      const ops = listAt(doc, ['spec', 'patches', String(p), 'jsonPatch', 'ops']) ?? [];
      for (let o = 0; ops.length > 1 && o < ops.length; o++) {
        const copy = copyDoc(doc);
        (listAt(copy, ['spec', 'patches', String(p), 'jsonPatch', 'ops']) as unknown[]).splice(o, 1);
        out.push({ ...c, filterDocs: c.filterDocs.map((d, j) => (j === i ? copy : d)) });
      }
    }
  });
  return out;
}

/** The smallest case found that `fails` still reports, with what it reports. */
export function shrink(c: FuzzCase, fails: (c: FuzzCase) => string | undefined): { case: FuzzCase; failure: string | undefined } {
  let current = c;
  let failure = fails(c);
  let attempts = 0;
  let progress = true;
  while (progress && attempts < MAX_ATTEMPTS) {
    progress = false;
    for (const candidate of smaller(current)) {
      if (++attempts > MAX_ATTEMPTS) break;
      const found = fails(copyDoc(candidate));
      if (found !== undefined) {
        current = candidate;
        failure = found;
        progress = true;
        break;
      }
    }
  }
  return { case: current, failure };
}
