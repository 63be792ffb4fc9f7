import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { PROTO_DIR, RLS_PROTO, RLS_SERVICE_NAME } from '../../ratelimit/proto/load-protos.ts';

const run = promisify(execFile);

/** ghz's JSON report, the fields the benchmark reads. Durations are nanoseconds. */
interface GhzReport {
  count: number;
  total: number;
  statusCodeDistribution?: Record<string, number>;
  errorDistribution?: Record<string, number> | null;
  details?: { latency: number; status: string }[];
}

/** One load run: successful decisions per second and latency percentiles in milliseconds. */
export interface LoadResult {
  decisions: number;
  perSecond: number;
  p50: number;
  p99: number;
  p999: number;
  /** Calls that did not end OK, by status and message. */
  errors: Record<string, number>;
}

export interface LoadOptions {
  ghz: string;
  /** `127.0.0.1:<port>` of the gRPC server. */
  target: string;
  /** JSON file holding one request or an array that ghz sends round-robin (request n gets element n mod length). */
  dataFile: string;
  concurrency: number;
  /** Calls to make in total. */
  requests: number;
  /** Where ghz writes its JSON report. */
  reportFile: string;
  /** Offered load cap (calls/s); absent = as fast as the server answers (saturation). */
  rps?: number;
}

/** ghz prints little (its report goes to a file); a generous bound on its captured output. */
const GHZ_MAX_BUFFER = 64 * 1024 * 1024;
/** Left to ghz so that it does not starve the single-threaded service it measures. */
const GHZ_CPUS = 1;

/**
 * Runs ghz against ShouldRateLimit on one connection (as one Envoy worker would use) for the
 * given number of calls at the given concurrency, and reduces its report. Percentiles come from every call's
 * latency (ghz's own distribution stops at p99).
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const args = [
    '--insecure',
    '--proto', RLS_PROTO,
    '--import-paths', PROTO_DIR,
    '--call', `${RLS_SERVICE_NAME}.ShouldRateLimit`,
    '--concurrency', String(opts.concurrency),
    '--total', String(opts.requests),
    // One core for the load generator, the other for the service and Redis (a 2-core host).
    '--cpus', String(GHZ_CPUS),
    '--data-file', opts.dataFile,
    ...(opts.rps ? ['--rps', String(opts.rps)] : []),
    '--format', 'json',
    '--output', opts.reportFile,
    opts.target,
  ];
  await run(opts.ghz, args, { maxBuffer: GHZ_MAX_BUFFER });
  const report = JSON.parse(await readFile(opts.reportFile, 'utf8')) as GhzReport;
  const latencies = (report.details ?? []).filter((d) => d.status === 'OK').map((d) => d.latency).sort((a, b) => a - b);
  const ok = report.statusCodeDistribution?.OK ?? 0;
  const errors: Record<string, number> = {};
  for (const [k, v] of Object.entries(report.errorDistribution ?? {})) errors[k] = v;
  for (const [k, v] of Object.entries(report.statusCodeDistribution ?? {})) if (k !== 'OK') errors[k] = (errors[k] ?? 0) + v;
  return {
    decisions: ok,
    perSecond: ok / (report.total / 1e9),
    p50: percentileMs(latencies, 0.5),
    p99: percentileMs(latencies, 0.99),
    p999: percentileMs(latencies, 0.999),
    errors,
  };
}

/** Nearest-rank percentile of sorted nanosecond latencies, in milliseconds. */
function percentileMs(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return (sorted[Math.max(0, index)] ?? Number.NaN) / 1e6;
}
