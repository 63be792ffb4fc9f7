import type { z } from 'zod';
import { API_VERSION } from '../api/meta.ts';
import { KINDS } from '../api/kinds.ts';
import type { IstioFilter } from '../api/istio-filter.ts';
import type { RateLimit } from '../api/rate-limit.ts';
import type { Router } from '../api/router.ts';
import type { DestinationRule, VirtualService } from '../core/istio/types.ts';
import { formatPath, valueAtPath } from '../core/spec-problem.ts';
import type { InputProblem, SourceDocument } from './load-documents.ts';

/** Switchyard resources read from input, validated by their zod schema. */
export interface Resources {
  routers: Router[];
  filters: IstioFilter[];
  rateLimits: RateLimit[];
  /** Istio objects (live state for `plan`). */
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
}

/** Turns zod issues into located problems carrying the value received at each path. */
export function zodProblems(doc: SourceDocument, error: z.ZodError): InputProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    return { file: doc.file, index: doc.index, path: formatPath(path), message: issue.message, received: valueAtPath(doc.value, path) };
  });
}

const ISTIO_KINDS = new Set(['VirtualService', 'DestinationRule']);

/** Sorts documents into kinds and validates Switchyard kinds; `allowIstio` admits live VS/DR. */
export function classify(documents: SourceDocument[], allowIstio: boolean): { resources: Resources; problems: InputProblem[] } {
  const resources: Resources = { routers: [], filters: [], rateLimits: [], virtualServices: [], destinationRules: [] };
  const problems: InputProblem[] = [];
  for (const doc of documents) {
    const v = doc.value as { apiVersion?: unknown; kind?: unknown };
    const info = KINDS.find((k) => k.kind === v?.kind);
    if (info && v.apiVersion === API_VERSION) {
      const parsed = info.schema.safeParse(doc.value);
      if (!parsed.success) {
        problems.push(...zodProblems(doc, parsed.error));
        continue;
      }
      if (info.kind === 'Router') resources.routers.push(parsed.data as Router);
      else if (info.kind === 'IstioFilter') resources.filters.push(parsed.data as IstioFilter);
      else resources.rateLimits.push(parsed.data as RateLimit);
    } else if (allowIstio && typeof v?.kind === 'string' && ISTIO_KINDS.has(v.kind) && String(v.apiVersion).startsWith('networking.istio.io/')) {
      if (v.kind === 'VirtualService') resources.virtualServices.push(doc.value as VirtualService);
      else resources.destinationRules.push(doc.value as DestinationRule);
    } else {
      const expected = allowIstio ? `${API_VERSION} Router/IstioFilter/RateLimit or networking.istio.io VirtualService/DestinationRule` : `${API_VERSION} Router, IstioFilter or RateLimit`;
      problems.push({ file: doc.file, index: doc.index, path: 'kind', message: `unsupported kind; expected ${expected}`, received: `${String(v?.apiVersion)} ${String(v?.kind)}` });
    }
  }
  return { resources, problems };
}
