import { Agent, request } from 'node:http';

/** One answered (or failed) request. */
export interface Sample {
  /** ms since the traffic started. */
  at: number;
  /** HTTP status, or 0 when the connection failed. */
  status: number;
  /** The backend workload that answered (its `x-workload` header), if any. */
  workload: string | undefined;
  /** True for requests sent with the sandbox header. */
  sandbox: boolean;
}

export interface TrafficOptions {
  port: number;
  host: string;
  /** Requests per second, spread evenly (bounded: this is a loopback test). */
  rate: number;
  /** Every n-th request carries `sandboxHeader` (0: none). */
  sandboxEvery: number;
  sandboxHeader: [string, string];
  /** Hard stop, whatever happens. */
  maxDurationMs: number;
}

export interface Traffic {
  samples: Sample[];
  /** ms since start, on the traffic's clock. */
  now(): number;
  stop(): Promise<void>;
}

const TICK_MS = 10;
const REQUEST_TIMEOUT_MS = 5_000;

/** Steady HTTP traffic through the gateway on keep-alive connections; records every response. */
export function startTraffic(o: TrafficOptions): Traffic {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const samples: Sample[] = [];
  const started = performance.now();
  const now = (): number => performance.now() - started;
  let sent = 0;
  let inflight = 0;
  let stopped = false;
  const fire = (): void => {
    const n = sent++;
    const sandbox = o.sandboxEvery > 0 && n % o.sandboxEvery === 0;
    const headers: Record<string, string> = { host: o.host };
    if (sandbox) headers[o.sandboxHeader[0]] = o.sandboxHeader[1];
    const at = now();
    inflight++;
    const req = request({ host: '127.0.0.1', port: o.port, path: `/r/${n}`, agent, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => {
        inflight--;
        const w = res.headers['x-workload'];
        samples.push({ at, status: res.statusCode ?? 0, workload: typeof w === 'string' ? w : undefined, sandbox });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      inflight--;
      samples.push({ at, status: 0, workload: undefined, sandbox });
    });
    req.end();
  };
  const timer = setInterval(() => {
    if (stopped || now() > o.maxDurationMs) return;
    const due = Math.floor((now() / 1000) * o.rate);
    while (sent < due) fire();
  }, TICK_MS);
  return {
    samples,
    now,
    async stop() {
      stopped = true;
      clearInterval(timer);
      const deadline = Date.now() + REQUEST_TIMEOUT_MS;
      while (inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      agent.destroy();
    },
  };
}
