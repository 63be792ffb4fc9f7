import type { z } from 'zod';
import { istioFilter, type IstioFilter } from '../../api/istio-filter.ts';
import { rateLimit, type RateLimit } from '../../api/rate-limit.ts';
import { router, type Router } from '../../api/router.ts';
import type { AnalyzeInput, Finding, LooseObject } from './types.ts';

/** The Switchyard objects of the input that pass their schema; the others as SY0001 findings. */
export interface ParsedObjects {
  routers: Router[];
  filters: IstioFilter[];
  rateLimits: RateLimit[];
  invalid: Finding[];
}

function parseAll<T>(kind: string, schema: z.ZodType<T>, objects: readonly LooseObject[], invalid: Finding[]): T[] {
  const out: T[] = [];
  for (const obj of objects) {
    const parsed = schema.safeParse(obj);
    if (parsed.success) {
      out.push(parsed.data);
      continue;
    }
    const issue = parsed.error.issues[0];
    const field = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') ?? '';
    invalid.push({
      severity: 'warning',
      code: 'SY0001',
      object: { kind, namespace: obj.metadata.namespace, name: obj.metadata.name },
      message: `fails its schema, so the controller ignores it: ${field || '(object)'}: ${issue?.message ?? 'invalid'}`,
    });
  }
  return out;
}

/** Parses the input's Routers, IstioFilters and RateLimits against their schemas. */
export function parseObjects(input: AnalyzeInput): ParsedObjects {
  const invalid: Finding[] = [];
  return {
    routers: parseAll('Router', router, input.routers, invalid),
    filters: parseAll('IstioFilter', istioFilter, input.filters, invalid),
    rateLimits: parseAll('RateLimit', rateLimit, input.rateLimits, invalid),
    invalid,
  };
}
