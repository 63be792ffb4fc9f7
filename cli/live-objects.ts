import { objectMeta } from '../api/meta.ts';
import { validateIstioObject } from '../core/istio/validate.ts';
import { ISTIO_NETWORKING } from '../core/istio/types.ts';
import { problemAt, type InputProblem, type SourceDocument } from './input-problem.ts';
import { zodProblems } from './zod-problems.ts';

/**
 * Live object kinds `plan --live` reads, with the API versions `kubectl get -o yaml` may print for
 * them (Istio serves VirtualService and DestinationRule with the same schema in all three).
 */
const LIVE_KINDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['VirtualService', ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3']],
  ['DestinationRule', ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3']],
  ['Service', ['v1']],
]);

/** Describes the live kinds for an "unsupported kind" message. */
export const LIVE_KINDS_TEXT = 'networking.istio.io VirtualService/DestinationRule or v1 Service';

/** Whether `plan --live` reads this document as a live object. */
export function isLiveKind(value: { apiVersion?: unknown; kind?: unknown }): boolean {
  return typeof value.kind === 'string' && LIVE_KINDS.get(value.kind)?.includes(String(value.apiVersion)) === true;
}

/**
 * What would stop `plan` from reading a live object: metadata as Switchyard's own ObjectMeta rules
 * read it (name, namespace, labels), and for a VirtualService or DestinationRule a `spec` that
 * Istio's real CRD schema accepts. Of a Service only metadata is read (the name and the managed-by
 * label decide a Conflict).
 */
export function liveObjectProblems(doc: SourceDocument): InputProblem[] {
  const v = doc.value as { kind: string; metadata?: unknown; spec?: unknown };
  const meta = objectMeta.safeParse(v.metadata);
  const problems = meta.success ? [] : zodProblems(doc, meta.error, ['metadata']);
  if (v.kind === 'Service') return problems;
  if (typeof v.spec !== 'object' || v.spec === null || Array.isArray(v.spec)) {
    return [...problems, problemAt(doc, ['spec'], `a live ${v.kind} needs a spec object`, v.spec)];
  }
  // The spec schema is the same in every served version; check it as v1.
  const issues = validateIstioObject({ ...v, apiVersion: ISTIO_NETWORKING });
  return [...problems, ...issues.map((i) => problemAt(doc, i.path, i.message))];
}
