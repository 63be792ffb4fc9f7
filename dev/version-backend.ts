import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { FaultKnob, type Fault } from './fault-knob.ts';
import { istioMetrics, type IstioWorkloadIdentity } from './istio-metrics.ts';

export type { Fault } from './fault-knob.ts';
export type { IstioWorkloadIdentity } from './istio-metrics.ts';

/** Response header naming the workload that answered, so traffic splits can be counted. */
export const WORKLOAD_HEADER = 'x-workload';
/** Where the backend serves Istio's standard metrics (the path a sidecar merges them on, at :15020). */
export const ISTIO_METRICS_PATH = '/stats/prometheus';

export interface VersionBackendOptions {
  /** Serve Istio's standard metrics for this identity on a second loopback port. */
  istio?: IstioWorkloadIdentity;
}

export interface VersionBackend {
  name: string;
  address: string;
  port: number;
  /** `address:port` of the Istio metrics endpoint (at ISTIO_METRICS_PATH); undefined without `istio`. */
  metricsAddress: string | undefined;
  /** Requests answered so far (mirrored copies included). */
  requests(): number;
  /** Sets the fault (replacing the previous one; `{}` clears it). Throws RangeError on a bad value. */
  setFault(fault: Fault): void;
  stop(): Promise<void>;
}

function listen(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });
}

/**
 * An HTTP server on `address` (a loopback address, kernel-chosen port) that answers every request
 * 200 with its workload name in the body and in the `x-workload` header — or, as the fault knob
 * decides (see FaultKnob), 500 (same header) and/or after an added delay. With `istio`, every answer
 * is also counted in Istio's standard metrics (status, and duration from arrival to the end of the
 * answer, delay included), served as Prometheus text at `http://<address>:<metrics port>/stats/prometheus`.
 */
export async function startVersionBackend(address: string, name: string, options: VersionBackendOptions = {}): Promise<VersionBackend> {
  let count = 0;
  const fault = new FaultKnob();
  const metrics = options.istio ? istioMetrics(options.istio) : undefined;
  const server = createServer((req, res) => {
    const start = performance.now();
    count++;
    req.resume();
    const decision = fault.next();
    const answer = (): void => {
      res.writeHead(decision.status, { 'content-type': 'text/plain', [WORKLOAD_HEADER]: name }).end(decision.status === 200 ? name : `${name}: injected fault`);
      metrics?.record(decision.status, performance.now() - start);
    };
    if (decision.delayMs > 0) void sleep(decision.delayMs).then(answer);
    else answer();
  });
  server.keepAliveTimeout = 60_000;
  const port = await listen(server, address);
  let metricsServer: Server | undefined;
  let metricsPort: number | undefined;
  if (metrics) {
    const m = metrics;
    metricsServer = createServer((req, res) => {
      req.resume();
      if (req.url !== ISTIO_METRICS_PATH) {
        res.writeHead(404).end();
        return;
      }
      m.exposition().then(
        (text) => res.writeHead(200, { 'content-type': m.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    });
    try {
      metricsPort = await listen(metricsServer, address);
    } catch (err) {
      await close(server);
      throw err;
    }
  }
  return {
    name,
    address,
    port,
    metricsAddress: metricsPort === undefined ? undefined : `${address}:${metricsPort}`,
    requests: () => count,
    setFault: (f) => fault.set(f),
    stop: async () => {
      await Promise.all([close(server), metricsServer ? close(metricsServer) : undefined]);
    },
  };
}
