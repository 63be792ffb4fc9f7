import { API_VERSION } from '../api/meta.ts';
import { KINDS, type KindInfo } from '../api/kinds.ts';
import type { IstioFilter } from '../api/istio-filter.ts';
import type { RateLimit } from '../api/rate-limit.ts';
import type { Router } from '../api/router.ts';
import type { DestinationRule, Service, VirtualService } from '../core/istio/types.ts';
import { unknownFieldMessage, unknownResourceFields } from '../core/validation/unknown-fields.ts';
import { placeOf, problemAt, type InputProblem, type SourceDocument } from './input-problem.ts';
import { isLiveKind, LIVE_KINDS_TEXT, liveObjectProblems } from './live-objects.ts';
import { zodProblems } from './zod-problems.ts';

export { zodProblems } from './zod-problems.ts';

/** Switchyard resources read from input, validated by their zod schema. */
export interface Resources {
  routers: Router[];
  filters: IstioFilter[];
  rateLimits: RateLimit[];
  /** Live objects (`plan --live`): Istio routing and the Services a Router may own. */
  virtualServices: VirtualService[];
  destinationRules: DestinationRule[];
  services: Service[];
  /** Where each resource above was read, as `file#doc` (see placeOf). */
  origins: Map<object, string>;
}

export function emptyResources(): Resources {
  return { routers: [], filters: [], rateLimits: [], virtualServices: [], destinationRules: [], services: [], origins: new Map() };
}

/**
 * Sorts documents into kinds and validates them: a Switchyard kind by its zod schema, refusing
 * fields the schema does not declare (zod would strip them silently); with `allowLive`, live
 * VirtualServices, DestinationRules and Services (see liveObjectProblems). Anything else is a
 * problem at `kind`.
 */
export function classify(documents: SourceDocument[], allowLive: boolean): { resources: Resources; problems: InputProblem[] } {
  const resources = emptyResources();
  const problems: InputProblem[] = [];
  for (const doc of documents) {
    const v = doc.value as { apiVersion?: unknown; kind?: unknown };
    const info = KINDS.find((k) => k.kind === v.kind);
    if (info && v.apiVersion === API_VERSION) {
      const found = switchyardResource(doc, info);
      if (found.problems.length > 0) problems.push(...found.problems);
      else if (found.resource) add(resources, info.kind, found.resource, placeOf(doc));
    } else if (allowLive && isLiveKind(v)) {
      const found = liveObjectProblems(doc);
      if (found.length > 0) problems.push(...found);
      else add(resources, String(v.kind), doc.value as object, placeOf(doc));
    } else {
      const expected = allowLive ? `${API_VERSION} Router/IstioFilter/RateLimit or ${LIVE_KINDS_TEXT}` : `${API_VERSION} Router, IstioFilter or RateLimit`;
      problems.push(problemAt(doc, ['kind'], `unsupported kind; expected ${expected}`, `${String(v.apiVersion)} ${String(v.kind)}`));
    }
  }
  return { resources, problems };
}

function switchyardResource(doc: SourceDocument, info: KindInfo): { resource?: object; problems: InputProblem[] } {
  const problems = unknownResourceFields(info, doc.value).map((u) => problemAt(doc, u.path, unknownFieldMessage(u)));
  const parsed = info.schema.safeParse(doc.value);
  if (!parsed.success) problems.push(...zodProblems(doc, parsed.error));
  return parsed.success ? { resource: parsed.data as object, problems } : { problems };
}

function add(resources: Resources, kind: string, resource: object, origin: string): void {
  resources.origins.set(resource, origin);
  if (kind === 'Router') resources.routers.push(resource as Router);
  else if (kind === 'IstioFilter') resources.filters.push(resource as IstioFilter);
  else if (kind === 'RateLimit') resources.rateLimits.push(resource as RateLimit);
  else if (kind === 'VirtualService') resources.virtualServices.push(resource as VirtualService);
  else if (kind === 'DestinationRule') resources.destinationRules.push(resource as DestinationRule);
  else resources.services.push(resource as Service);
}
