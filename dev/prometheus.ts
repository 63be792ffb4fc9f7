import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startManagedProcess, type ManagedProcess } from './managed-process.ts';
import { freeLoopbackPort, probe, waitUntilReady } from './readiness.ts';

/** One scrape target: `address` is `host:port`, scraped over plain HTTP at `metricsPath`. */
export interface ScrapeTarget {
  job: string;
  address: string;
  metricsPath: string;
}

export interface PrometheusOptions {
  /** Config, TSDB (`<dataDir>/tsdb`) and log go here; the caller owns (and removes) the dir. */
  dataDir: string;
  /** Scrape interval (and timeout) in ms; at least 100. */
  scrapeIntervalMs: number;
  /** Targets sharing a `job` must share a `metricsPath`. */
  targets: ScrapeTarget[];
}

/** A real Prometheus server on a loopback port. */
export interface PrometheusInstance {
  /** `http://127.0.0.1:<port>`: the HTTP API is under `/api/v1`. */
  url: string;
  port: number;
  /** Stops the server for good (SIGTERM, SIGKILL after a grace period). */
  stop(): Promise<void>;
  /** Stops the process; queries are refused (connection refused) until `restart`. Data on disk is kept. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data dir after `kill`; resolves once ready and every target is up. */
  restart(): Promise<void>;
  /** SIGSTOP: the process stays, the port accepts connections, nothing answers (queries time out). */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** True when Prometheus lists every configured target and each one's last scrape was up. */
  targetsUp(): Promise<boolean>;
}

/** Debian's prometheus replays its WAL and opens the TSDB in about a second; a loaded host gets room. */
const READY_TIMEOUT_MS = 60_000;
/** The first scrape of a target lands within one interval (Prometheus spreads them); room for a busy host. */
const TARGETS_UP_TIMEOUT_MS = 60_000;
/** Prometheus flushes the head block on SIGTERM; a short test TSDB takes well under this. */
const STOP_GRACE_MS = 10_000;
/**
 * How far back an instant selector looks for a sample, in scrape intervals. Prometheus's default
 * (5m) would keep a stopped target's last value alive for minutes; a few intervals keep "no
 * data" prompt while tolerating a missed scrape. Range selectors (`rate(x[10s])`) do not use it.
 */
const LOOKBACK_INTERVALS = 5;
const MIN_SCRAPE_INTERVAL_MS = 100;

const ENSURE_PROMETHEUS = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'harness', 'ensure-prometheus.sh');
let prometheusPath: string | undefined;

/** Path of Debian's prometheus binary, installed through apt-get by scripts/harness/ensure-prometheus.sh when missing. */
export function prometheusBinary(): string {
  prometheusPath ??= execFileSync(ENSURE_PROMETHEUS, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  return prometheusPath;
}

/** The prometheus.yml for `options` (JSON is YAML): one scrape config per job, static targets. */
export function prometheusConfig(options: Pick<PrometheusOptions, 'scrapeIntervalMs' | 'targets'>): string {
  if (!Number.isInteger(options.scrapeIntervalMs) || options.scrapeIntervalMs < MIN_SCRAPE_INTERVAL_MS) {
    throw new RangeError(`prometheus: scrapeIntervalMs must be an integer ≥ ${MIN_SCRAPE_INTERVAL_MS}, got ${options.scrapeIntervalMs}`);
  }
  const jobs = new Map<string, { path: string; addresses: string[] }>();
  for (const t of options.targets) {
    if (!/^[^\s/:]+:\d+$/.test(t.address)) throw new RangeError(`prometheus: target address must be host:port, got ${JSON.stringify(t.address)} (job ${t.job})`);
    const job = jobs.get(t.job) ?? { path: t.metricsPath, addresses: [] };
    if (job.path !== t.metricsPath) throw new RangeError(`prometheus: job ${t.job} has two metrics paths (${job.path}, ${t.metricsPath})`);
    job.addresses.push(t.address);
    jobs.set(t.job, job);
  }
  const interval = `${options.scrapeIntervalMs}ms`;
  return JSON.stringify(
    {
      global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
      scrape_configs: [...jobs].map(([job, j]) => ({ job_name: job, metrics_path: j.path, scheme: 'http', static_configs: [{ targets: j.addresses }] })),
    },
    null,
    2,
  );
}

interface TargetsReply {
  data?: { activeTargets?: { health?: string }[] };
}

/**
 * Starts Debian's prometheus on a free loopback port with its own TSDB under `dataDir`, scraping
 * `targets` every `scrapeIntervalMs`, the lookback delta a few scrape intervals. Resolves once
 * /-/ready answers 200 and every target has been scraped up. Rejects, quoting the log tail, when
 * the process exits first or a deadline passes (a target that never comes up names Prometheus's
 * view of the targets).
 */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusInstance> {
  const config = prometheusConfig(options);
  mkdirSync(join(options.dataDir, 'tsdb'), { recursive: true });
  const configPath = join(options.dataDir, 'prometheus.yml');
  writeFileSync(configPath, config);
  const port = await freeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const lookbackMs = Math.max(1_000, LOOKBACK_INTERVALS * options.scrapeIntervalMs);
  const args = [
    `--config.file=${configPath}`,
    `--storage.tsdb.path=${join(options.dataDir, 'tsdb')}`,
    '--storage.tsdb.retention.time=1h',
    `--web.listen-address=127.0.0.1:${port}`,
    `--query.lookback-delta=${lookbackMs}ms`,
    '--log.level=info',
  ];
  const targetsUp = async (): Promise<boolean> => {
    try {
      const reply = (await fetch(`${url}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.json())) as TargetsReply;
      const active = reply.data?.activeTargets ?? [];
      return active.length === options.targets.length && active.every((t) => t.health === 'up');
    } catch {
      return false;
    }
  };
  let proc: ManagedProcess | undefined;
  const start = async (): Promise<void> => {
    proc = startManagedProcess({ name: 'prometheus', command: prometheusBinary(), args, logPath: join(options.dataDir, 'prometheus.log') });
    await waitUntilReady(proc, 'GET /-/ready = 200', () => probe(`${url}/-/ready`), READY_TIMEOUT_MS);
    await waitUntilReady(proc, `every target up (${options.targets.map((t) => `${t.job} ${t.address}${t.metricsPath}`).join(', ')})`, targetsUp, TARGETS_UP_TIMEOUT_MS);
  };
  const kill = async (): Promise<void> => {
    await proc?.stop(STOP_GRACE_MS);
  };
  const signal = (sig: NodeJS.Signals): void => {
    if (proc && !proc.hasExited()) process.kill(proc.pid, sig);
  };
  try {
    await start();
  } catch (err) {
    await kill();
    throw err;
  }
  return {
    url,
    port,
    stop: async () => {
      signal('SIGCONT');
      await kill();
    },
    kill: async () => {
      signal('SIGCONT');
      await kill();
    },
    restart: start,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    targetsUp,
  };
}
