import { describe, expect, it } from 'vitest';
import { Registry } from './metrics.ts';

describe('Registry', () => {
  it('renders counters, gauges and histograms in the Prometheus text format', () => {
    const r = new Registry();
    const total = r.counter('switchyard_reconcile_total', 'Reconciles by controller and result.');
    const depth = r.gauge('switchyard_queue_depth', 'Keys waiting.');
    const duration = r.histogram('switchyard_reconcile_duration_seconds', 'Reconcile duration.', [0.1, 1]);
    total.inc({ controller: 'router', result: 'done' });
    total.inc({ result: 'done', controller: 'router' }, 2);
    total.inc({ controller: 'filter', result: 'error' });
    depth.set({ controller: 'router' }, 3);
    duration.observe({ controller: 'router' }, 0.05);
    duration.observe({ controller: 'router' }, 0.5);
    duration.observe({ controller: 'router' }, 5);
    r.onCollect(() => depth.set({ controller: 'filter' }, 1));
    expect(r.render()).toMatchInlineSnapshot(`
      "# HELP switchyard_queue_depth Keys waiting.
      # TYPE switchyard_queue_depth gauge
      switchyard_queue_depth{controller="filter"} 1
      switchyard_queue_depth{controller="router"} 3
      # HELP switchyard_reconcile_duration_seconds Reconcile duration.
      # TYPE switchyard_reconcile_duration_seconds histogram
      switchyard_reconcile_duration_seconds_bucket{controller="router",le="0.1"} 1
      switchyard_reconcile_duration_seconds_bucket{controller="router",le="1"} 2
      switchyard_reconcile_duration_seconds_bucket{controller="router",le="+Inf"} 3
      switchyard_reconcile_duration_seconds_sum{controller="router"} 5.55
      switchyard_reconcile_duration_seconds_count{controller="router"} 3
      # HELP switchyard_reconcile_total Reconciles by controller and result.
      # TYPE switchyard_reconcile_total counter
      switchyard_reconcile_total{controller="filter",result="error"} 1
      switchyard_reconcile_total{controller="router",result="done"} 3
      "
    `);
  });

  it('escapes label values', () => {
    const r = new Registry();
    r.counter('c_total', 'c').inc({ msg: 'a "quoted"\\path\nline' });
    expect(r.render()).toContain('c_total{msg="a \\"quoted\\"\\\\path\\nline"} 1');
  });

  it.each([
    ['negative counter increment', (r: Registry) => r.counter('c_total', 'c').inc({}, -1), 'counter c_total: increment must be >= 0, got -1'],
    ['setting a counter', (r: Registry) => r.counter('c_total', 'c').set({}, 1), 'c_total is a counter; only gauges can be set'],
    ['re-registering as another kind', (r: Registry) => (r.counter('x', 'x'), r.gauge('x', 'x')), 'metric x is already registered as a counter, not a gauge'],
    ['invalid name', (r: Registry) => r.gauge('bad-name', 'x'), 'metric name "bad-name" is not a valid Prometheus name'],
  ])('rejects %s', (_name, act, message) => {
    expect(() => act(new Registry())).toThrow(message);
  });
});
