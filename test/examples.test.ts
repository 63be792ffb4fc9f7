import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResources } from '../cli/read-input.ts';
import { renderAll } from '../cli/render-all.ts';
import { buildQuotaTable } from '../core/ratelimit/quota-table.ts';
import { expectValidIstio } from './support/istio-crd-schemas.ts';

const examples = join(import.meta.dirname, '..', 'examples');
// A fixed clock before the chaos example's expiry, so the test does not depend on today's date.
const NOW = new Date('2026-11-21T12:00:00Z');

describe('examples/', () => {
  const { resources, problems } = readResources([examples], 'default');

  it('are all valid Switchyard resources', () => {
    expect(problems).toEqual([]);
    expect(resources.routers.map((r) => r.metadata.name).sort()).toEqual(['checkout', 'reviews', 'sm-verify-page']);
    expect(resources.rateLimits).toHaveLength(3);
    expect(resources.filters).toHaveLength(5);
  });

  const out = renderAll(resources, NOW);

  it('render without errors, every filter applied, no filter orphaned', () => {
    expect(out.errors).toEqual([]);
    expect(out.orphanFilters).toEqual([]);
    expect(out.filterResults.map((r) => `${r.name}:${r.phase}`).sort()).toEqual([
      'mesh-ui-overrides:Applied',
      'mirror-to-rc:Applied',
      'resilience:Applied',
      'reviews-latency-experiment:Applied',
      'sre-baseline:Applied',
    ]);
  });

  it.each(out.objects.map((o) => [`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, o] as const))(
    '%s passes the real Istio/Kubernetes schemas',
    (_name, obj) => expectValidIstio(obj),
  );

  it('give the rate-limit service a quota entry for the global limits only', () => {
    const { table, errors } = buildQuotaTable(resources.rateLimits);
    expect(errors).toEqual([]);
    const entries = Object.values(table.domains).flat();
    expect(entries.map((e) => [e.id, e.requestsPerUnit, e.unit, e.algorithm, e.per])).toEqual([
      ['sm-verify/api-per-key', 100, 'MINUTE', 'slidingWindow', { key: 'x-api-key', overrides: [{ value: 'partner-7f3a', requestsPerUnit: 1_000 }] }],
      ['sm-verify/page-show', 800, 'SECOND', 'fixedWindow', undefined],
    ]);
  });
});
