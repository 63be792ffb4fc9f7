// The live-mesh backends' fault knob and Istio standard metrics, and the Prometheus config the
// harness writes: pure parts and one real backend on loopback (no Prometheus needed).
import { describe, expect, it } from 'vitest';
import { FaultKnob } from '../dev/fault-knob.ts';
import { ISTIO_DURATION_BUCKETS_MS } from '../dev/istio-metrics.ts';
import { prometheusConfig } from '../dev/prometheus.ts';
import { ISTIO_METRICS_PATH, startVersionBackend, WORKLOAD_HEADER } from '../dev/version-backend.ts';

function statuses(knob: FaultKnob, n: number): number[] {
  return Array.from({ length: n }, () => knob.next().status);
}

describe('FaultKnob', () => {
  it.each([
    [0, 0],
    [0.3, 3],
    [0.5, 5],
    [0.05, 0],
    [1, 10],
  ])('fails exactly ⌊10·%s⌋ of the first ten requests', (errorRate, failures) => {
    const knob = new FaultKnob();
    knob.set({ errorRate });
    expect(statuses(knob, 10).filter((s) => s === 500)).toHaveLength(failures);
  });

  it('keeps every run of k requests within one failure of k·r', () => {
    const knob = new FaultKnob();
    knob.set({ errorRate: 0.3 });
    const seq = statuses(knob, 1_000);
    for (const k of [7, 10, 33, 100]) {
      for (let i = 0; i + k <= seq.length; i += 13) {
        const failed = seq.slice(i, i + k).filter((s) => s === 500).length;
        expect(Math.abs(failed - 0.3 * k)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('restarts its sequence on set and adds the delay to every answer', () => {
    const knob = new FaultKnob();
    knob.set({ errorRate: 0.3, delayMs: 200 });
    const first = statuses(knob, 10);
    knob.set({ errorRate: 0.3, delayMs: 200 });
    expect(statuses(knob, 10)).toEqual(first);
    expect(first).toEqual([200, 200, 200, 500, 200, 200, 500, 200, 200, 500]);
    expect(knob.next().delayMs).toBe(200);
  });

  it.each([
    [{ errorRate: 1.5 }, 'fault: errorRate must be in [0, 1], got 1.5'],
    [{ errorRate: Number.NaN }, 'fault: errorRate must be in [0, 1], got NaN'],
    [{ delayMs: -1 }, 'fault: delayMs must be a finite number ≥ 0, got -1'],
  ])('refuses %j and keeps the fault it had', (fault, message) => {
    const knob = new FaultKnob();
    knob.set({ errorRate: 0.5 });
    expect(() => knob.set(fault)).toThrow(message);
    expect(knob.get()).toEqual({ errorRate: 0.5, delayMs: 0 });
  });
});

describe('prometheusConfig', () => {
  it('writes one scrape config per job with the interval as scrape interval and timeout', () => {
    const config = JSON.parse(
      prometheusConfig({
        scrapeIntervalMs: 1_000,
        targets: [
          { job: 'envoy', address: '127.0.0.1:15000', metricsPath: '/stats/prometheus' },
          { job: 'istio', address: '127.0.0.11:4000', metricsPath: '/stats/prometheus' },
          { job: 'istio', address: '127.0.0.12:4001', metricsPath: '/stats/prometheus' },
        ],
      }),
    ) as unknown;
    expect(config).toEqual({
      global: { scrape_interval: '1000ms', scrape_timeout: '1000ms', evaluation_interval: '1000ms' },
      scrape_configs: [
        { job_name: 'envoy', metrics_path: '/stats/prometheus', scheme: 'http', static_configs: [{ targets: ['127.0.0.1:15000'] }] },
        { job_name: 'istio', metrics_path: '/stats/prometheus', scheme: 'http', static_configs: [{ targets: ['127.0.0.11:4000', '127.0.0.12:4001'] }] },
      ],
    });
  });

  it.each([
    [{ scrapeIntervalMs: 50, targets: [] }, 'prometheus: scrapeIntervalMs must be an integer ≥ 100, got 50'],
    [{ scrapeIntervalMs: 1_000, targets: [{ job: 'a', address: 'http://x:1', metricsPath: '/m' }] }, 'prometheus: target address must be host:port, got "http://x:1" (job a)'],
    [
      {
        scrapeIntervalMs: 1_000,
        targets: [
          { job: 'a', address: 'x:1', metricsPath: '/m' },
          { job: 'a', address: 'y:1', metricsPath: '/n' },
        ],
      },
      'prometheus: job a has two metrics paths (/m, /n)',
    ],
  ])('refuses a bad config (%#)', (options, message) => {
    expect(() => prometheusConfig(options)).toThrow(message);
  });
});

describe('a version backend with a fault and Istio metrics', () => {
  it('answers 500 where the knob says so and reports every answer as a destination sidecar would', async () => {
    const backend = await startVersionBackend('127.0.0.1', 'main-v2', {
      istio: { workload: 'main-v2', namespace: 'mesh', serviceHost: 'shop.mesh.svc.cluster.local', serviceName: 'shop', app: 'shop', version: 'v2', source: { workload: 'gw', namespace: 'mesh' } },
    });
    try {
      backend.setFault({ errorRate: 0.5, delayMs: 30 });
      const answers: [number, string | null][] = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`http://127.0.0.1:${backend.port}/`);
        await res.text();
        answers.push([res.status, res.headers.get(WORKLOAD_HEADER)]);
      }
      expect(answers).toEqual([[200, 'main-v2'], [500, 'main-v2'], [200, 'main-v2'], [500, 'main-v2']]);
      const text = await fetch(`http://${backend.metricsAddress}${ISTIO_METRICS_PATH}`).then((r) => r.text());
      const labels =
        'reporter="destination",source_workload="gw",source_workload_namespace="mesh",source_principal="unknown",source_app="gw",source_version="unknown",source_cluster="Kubernetes",' +
        'source_canonical_service="gw",source_canonical_revision="latest",destination_workload="main-v2",destination_workload_namespace="mesh",destination_principal="unknown",' +
        'destination_app="shop",destination_version="v2",destination_service="shop.mesh.svc.cluster.local",destination_service_name="shop",destination_service_namespace="mesh",' +
        'destination_cluster="Kubernetes",destination_canonical_service="shop",destination_canonical_revision="v2",request_protocol="http",response_code="500",grpc_response_status="",' +
        'response_flags="-",connection_security_policy="none"';
      expect(text).toContain(`istio_requests_total{${labels}} 2`);
      expect(text).toContain(`istio_requests_total{${labels.replace('response_code="500"', 'response_code="200"')}} 2`);
      // Every answer waited the delay: none in the buckets below it, all in the 50 ms bucket.
      expect(text).toContain(`istio_request_duration_milliseconds_bucket{le="25",${labels}} 0`);
      expect(text).toContain(`istio_request_duration_milliseconds_bucket{le="50",${labels}} 2`);
      expect(text).toContain(`istio_request_duration_milliseconds_count{${labels}} 2`);
      const les = [...text.matchAll(/istio_request_duration_milliseconds_bucket\{le="([^"]+)",[^}]*response_code="500"/g)].map((m) => m[1]);
      expect(les).toEqual([...ISTIO_DURATION_BUCKETS_MS.map(String), '+Inf']);
      expect(backend.requests()).toBe(4);
      expect(await fetch(`http://${backend.metricsAddress}/other`).then((r) => r.status)).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('serves no metrics port without an Istio identity', async () => {
    const backend = await startVersionBackend('127.0.0.1', 'plain');
    await backend.stop();
    expect(backend.metricsAddress).toBeUndefined();
  });
});
