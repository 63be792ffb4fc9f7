import { Counter, Gauge, Histogram, register as globalRegistry, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createProcessRegistry, seriesValue } from './metrics.ts';
import { runtimeMetrics } from './runtime-metrics.ts';

describe('prom-client registry', () => {
  it('renders counters, gauges and histograms in the Prometheus text format', async () => {
    const r = new Registry();
    const registers = [r];
    const total = new Counter({ name: 'switchyard_reconcile_total', help: 'Reconciles by controller and result.', labelNames: ['controller', 'result'], registers });
    const depth = new Gauge({ name: 'switchyard_queue_depth', help: 'Keys waiting.', labelNames: ['controller'], registers,
      collect() {
        this.set({ controller: 'filter' }, 1);
      },
    });
    const duration = new Histogram({ name: 'switchyard_reconcile_duration_seconds', help: 'Reconcile duration.', labelNames: ['controller'], buckets: [0.1, 1], registers });
    total.inc({ controller: 'router', result: 'done' });
    total.inc({ result: 'done', controller: 'router' }, 2);
    total.inc({ controller: 'filter', result: 'error' });
    depth.set({ controller: 'router' }, 3);
    duration.observe({ controller: 'router' }, 0.05);
    duration.observe({ controller: 'router' }, 0.5);
    duration.observe({ controller: 'router' }, 5);
    expect(await r.metrics()).toMatchInlineSnapshot(`
      "# HELP switchyard_reconcile_total Reconciles by controller and result.
      # TYPE switchyard_reconcile_total counter
      switchyard_reconcile_total{controller="router",result="done"} 3
      switchyard_reconcile_total{controller="filter",result="error"} 1

      # HELP switchyard_queue_depth Keys waiting.
      # TYPE switchyard_queue_depth gauge
      switchyard_queue_depth{controller="router"} 3
      switchyard_queue_depth{controller="filter"} 1

      # HELP switchyard_reconcile_duration_seconds Reconcile duration.
      # TYPE switchyard_reconcile_duration_seconds histogram
      switchyard_reconcile_duration_seconds_bucket{le="0.1",controller="router"} 1
      switchyard_reconcile_duration_seconds_bucket{le="1",controller="router"} 2
      switchyard_reconcile_duration_seconds_bucket{le="+Inf",controller="router"} 3
      switchyard_reconcile_duration_seconds_sum{controller="router"} 5.55
      switchyard_reconcile_duration_seconds_count{controller="router"} 3
      "
    `);
  });

  it('escapes label values', async () => {
    const r = new Registry();
    new Counter({ name: 'c_total', help: 'c', labelNames: ['msg'], registers: [r] }).inc({ msg: 'a "quoted"\\path\nline' });
    expect(await r.metrics()).toContain('c_total{msg="a \\"quoted\\"\\\\path\\nline"} 1');
  });

  it.each([
    ['negative counter increment', (r: Registry) => new Counter({ name: 'c_total', help: 'c', registers: [r] }).inc(-1), 'It is not possible to decrease a counter'],
    ['re-registering a name', (r: Registry) => (new Counter({ name: 'x', help: 'x', registers: [r] }), new Gauge({ name: 'x', help: 'x', registers: [r] })), 'A metric with the name x has already been registered.'],
    ['invalid name', (r: Registry) => new Gauge({ name: 'bad-name', help: 'x', registers: [r] }), 'Invalid metric name'],
  ])('rejects %s', (_name, act, message) => {
    expect(() => act(new Registry())).toThrow(message);
  });
});

describe('runtimeMetrics', () => {
  it('keeps the names, types, labels and help texts dashboards use; scrape-time gauges are read by onCollect', async () => {
    const m = runtimeMetrics();
    m.reconcileTotal.inc({ controller: 'router', result: 'done' });
    m.reconcileErrors.inc({ controller: 'router' });
    m.reconcileDuration.observe({ controller: 'router' }, 0.2);
    m.applyTotal.inc({ kind: 'VirtualService', outcome: 'created' });
    m.waitDuration.observe({ controller: 'router' }, 3);
    m.propagationWait.observe({ outcome: 'confirmed' }, 1.5);
    m.informerRestarts.inc({ kind: 'Router' });
    m.eventsDropped.inc({ reason: 'rate' });
    m.onCollect(() => {
      m.queueDepth.set({ controller: 'router' }, 2);
      m.leader.set({}, 1);
    });
    const lines = (await m.registry.metrics()).split('\n').filter((l) => l.startsWith('#') || !/_bucket\{/.test(l));
    expect(lines.join('\n')).toMatchInlineSnapshot(`
      "# HELP switchyard_reconcile_total Reconciles by controller and result (done, requeue, terminal, error).
      # TYPE switchyard_reconcile_total counter
      switchyard_reconcile_total{controller="router",result="done"} 1

      # HELP switchyard_reconcile_errors_total Reconciles that threw, by controller.
      # TYPE switchyard_reconcile_errors_total counter
      switchyard_reconcile_errors_total{controller="router"} 1

      # HELP switchyard_reconcile_duration_seconds Duration of one reconcile, by controller.
      # TYPE switchyard_reconcile_duration_seconds histogram
      switchyard_reconcile_duration_seconds_sum{controller="router"} 0.2
      switchyard_reconcile_duration_seconds_count{controller="router"} 1

      # HELP switchyard_queue_depth Keys waiting to be reconciled, by controller.
      # TYPE switchyard_queue_depth gauge
      switchyard_queue_depth{controller="router"} 2

      # HELP switchyard_apply_total Applies by kind and outcome (created, updated, unchanged).
      # TYPE switchyard_apply_total counter
      switchyard_apply_total{kind="VirtualService",outcome="created"} 1

      # HELP switchyard_wait_duration_seconds Time reconciles spent waiting (settle delays), by controller.
      # TYPE switchyard_wait_duration_seconds histogram
      switchyard_wait_duration_seconds_sum{controller="router"} 3
      switchyard_wait_duration_seconds_count{controller="router"} 1

      # HELP switchyard_propagation_wait_seconds Verified propagation waits (istiod asked), by outcome: confirmed, timeout, unreachable.
      # TYPE switchyard_propagation_wait_seconds histogram
      switchyard_propagation_wait_seconds_sum{outcome="confirmed"} 1.5
      switchyard_propagation_wait_seconds_count{outcome="confirmed"} 1

      # HELP switchyard_informer_restarts_total Informer restarts after a failed list or watch, by kind.
      # TYPE switchyard_informer_restarts_total counter
      switchyard_informer_restarts_total{kind="Router"} 1

      # HELP switchyard_leader 1 while this process leads, else 0.
      # TYPE switchyard_leader gauge
      switchyard_leader 1

      # HELP switchyard_events_dropped_total Kubernetes Events not recorded, by reason (rate, error).
      # TYPE switchyard_events_dropped_total counter
      switchyard_events_dropped_total{reason="rate"} 1
      "
    `);
  });

  it('registers on the registry it is given and never on the global one', async () => {
    const r = new Registry();
    runtimeMetrics(r);
    expect(r.getSingleMetric('switchyard_reconcile_total')).toBeDefined();
    expect(globalRegistry.getMetricsAsArray()).toEqual([]);
    expect(() => runtimeMetrics(r)).toThrow('A metric with the name switchyard_reconcile_total has already been registered.');
  });
});

describe('createProcessRegistry', () => {
  it('exposes the Node default metrics (CPU, RSS, heap, GC, event-loop lag)', async () => {
    const text = await createProcessRegistry().metrics();
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds', 'nodejs_eventloop_lag_seconds']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('gives each caller its own registry, so two in one process do not clash', async () => {
    const a = createProcessRegistry();
    const b = createProcessRegistry();
    runtimeMetrics(a);
    expect(await b.metrics()).not.toContain('switchyard_');
  });
});

describe('seriesValue', () => {
  it('reads the series with exactly those labels, 0 when untouched', async () => {
    const m = runtimeMetrics();
    m.applyTotal.inc({ kind: 'VirtualService', outcome: 'created' }, 2);
    expect(await seriesValue(m.applyTotal, { kind: 'VirtualService', outcome: 'created' })).toBe(2);
    expect(await seriesValue(m.applyTotal, { kind: 'VirtualService', outcome: 'updated' })).toBe(0);
    expect(await seriesValue(m.applyTotal, { kind: 'VirtualService' })).toBe(0);
    expect(await seriesValue(m.leader)).toBe(0);
  });
});
