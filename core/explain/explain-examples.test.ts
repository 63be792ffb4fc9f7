import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { istioFilter, type IstioFilter } from '../../api/istio-filter.ts';
import { router as routerSchema, type Router } from '../../api/router.ts';
import { filtersTargeting } from '../filters/filters-targeting.ts';
import { layerFilters } from '../filters/layer-filters.ts';
import { renderRouter } from '../router/render-router.ts';
import { leaves } from './field-path.ts';
import { explainRouter } from './explain-router.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const docs = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(join(EXAMPLES, f), 'utf8')).map((d) => d.toJS() as { kind: string }));
const routers: Router[] = docs.filter((d) => d.kind === 'Router').map((d) => routerSchema.parse(d));
const filters: IstioFilter[] = docs.filter((d) => d.kind === 'IstioFilter').map((d) => istioFilter.parse(d));

describe('explain over examples/', () => {
  // Before any example filter expires, so every filter's patches are in play.
  const now = new Date('2030-01-01T00:00:00Z');

  it('has Routers with filters to explain', () => {
    expect(routers.length).toBeGreaterThanOrEqual(3);
    expect(routers.filter((r) => filtersTargeting(r, filters).length > 0).length).toBeGreaterThanOrEqual(2);
  });

  it.each(routers.map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, r] as const))('%s: final objects equal layerFilters, one origin per leaf', (_, router) => {
    const e = explainRouter(router, filters, now);
    const layered = layerFilters(renderRouter(router), filtersTargeting(router, filters), now);
    expect(e.virtualService.object).toEqual(layered.virtualService);
    expect(e.destinationRule.object).toEqual(layered.destinationRule);
    for (const p of [e.virtualService, e.destinationRule]) {
      expect(p.fields.map((f) => [f.path, f.value])).toEqual(leaves(p.object).map((l) => [l.path, l.value]));
    }
    const applied = e.filters.filter((f) => f.phase === 'Applied').map((f) => f.name);
    const setters = new Set([...e.virtualService.fields, ...e.destinationRule.fields].flatMap((f) => (f.setBy.by === 'IstioFilter' ? [f.setBy.name] : [])));
    // Every applied filter of the examples changes something; nothing else is credited.
    expect([...setters].sort()).toEqual([...new Set(applied)].sort());
  });
});
