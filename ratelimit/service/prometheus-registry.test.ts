import { describe, expect, it } from 'vitest';
import { createProcessRegistry } from '../../kube/metrics.ts';
import { runtimeMetrics } from '../../kube/runtime-metrics.ts';
import { MetricRegistry } from './prometheus-registry.ts';
import { RlsMetrics } from './rls-metrics.ts';

describe('MetricRegistry', () => {
  it('exposes counters, gauges and histograms in the text format, escaping label values', async () => {
    const r = new MetricRegistry();
    r.counter('c_total', 'A counter.', ['quota'], 10).labels('a"b\\c\nd').inc(2);
    r.gauge('g', 'A gauge.').labels().set(1.5);
    const h = r.histogram('h_seconds', 'A histogram.', [0.01, 0.1]);
    h.observe(0.005);
    h.observe(0.05);
    h.observe(3);
    expect(await r.expose()).toBe(
      [
        '# HELP c_total A counter.',
        '# TYPE c_total counter',
        'c_total{quota="a\\"b\\\\c\\nd"} 2',
        '',
        '# HELP g A gauge.',
        '# TYPE g gauge',
        'g 1.5',
        '',
        '# HELP h_seconds A histogram.',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{le="0.01"} 1',
        'h_seconds_bucket{le="0.1"} 2',
        'h_seconds_bucket{le="+Inf"} 3',
        'h_seconds_sum 3.055',
        'h_seconds_count 3',
        '',
      ].join('\n'),
    );
  });

  it('caps series: label sets beyond the cap share the "other" series', async () => {
    const r = new MetricRegistry();
    const c = r.counter('hits_total', 'Hits.', ['quota'], 3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) c.labels(id).inc();
    c.labels('a').inc();
    expect((await r.expose()).split('\n').filter((l) => l.startsWith('hits_total'))).toEqual(['hits_total{quota="a"} 2', 'hits_total{quota="b"} 1', 'hits_total{quota="c"} 1', 'hits_total{quota="other"} 2']);
  });
});

describe('one registry per process', () => {
  it('holds the controllers\' and the rate-limit service\'s metrics beside the Node defaults (the embedded demo)', async () => {
    const registry = createProcessRegistry();
    runtimeMetrics(registry);
    const text = await new RlsMetrics(registry).expose();
    for (const name of ['switchyard_reconcile_total', 'switchyard_rls_decision_seconds', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds']) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toContain('switchyard_rls_config_reloads_total{result="failure"} 0\n');
  });
});
