import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../core/duration.ts';

/** Istio's docs advise waiting a few seconds for config to reach the proxies. */
const DEFAULT_SETTLE_DELAY = '5s';
/** The embedded demo has no proxies to wait for; a short delay keeps its three steps quick to watch. */
const EMBEDDED_SETTLE_DELAY = '1s';

export const CONTROLLER_USAGE =
  'usage: [--kubeconfig PATH] [--namespace NS] [--settle-delay 5s] [--http-port 8090] [--no-leader-election] [--resync-period 10m] [--embedded] [--exit-when-ready] [--istiod-debug-url URL[,URL]] [--istiod-token-file PATH] [--prometheus-url URL]';

/** The controller process's flags, validated. */
export interface ControllerArgs {
  kubeconfig?: string;
  namespace?: string;
  /** True when no cluster is configured or `--embedded` was given: the dev entry starts a local control plane. */
  embedded: boolean;
  exitWhenReady: boolean;
  leaderElection: boolean;
  settleDelayMs: number;
  resyncPeriodMs?: number;
  httpPort: number;
  istiodUrls: string[];
  /** Reads the bearer token for istiod per request (a projected token rotates). */
  istiodToken?: () => string;
  /** Prometheus the canary walks' analysis asks (a Router's `spec.progression.prometheus.url` wins). */
  prometheusUrl?: string;
}

/** A flag's value broke its rule; the message names the flag, the rule and the value. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** True when a cluster is configured: --kubeconfig, $KUBECONFIG, in-cluster service account or ~/.kube/config. */
export function clusterConfigured(kubeconfig: string | undefined): boolean {
  return Boolean(kubeconfig || process.env.KUBECONFIG || process.env.KUBERNETES_SERVICE_HOST || existsSync(join(homedir(), '.kube', 'config')));
}

/** Parses and validates the flags; throws UsageError naming the flag, the rule and the value. */
export function parseControllerArgs(argv: readonly string[]): ControllerArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        kubeconfig: { type: 'string' },
        namespace: { type: 'string' },
        'settle-delay': { type: 'string' },
        'http-port': { type: 'string', default: '8090' },
        'no-leader-election': { type: 'boolean', default: false },
        'resync-period': { type: 'string' },
        embedded: { type: 'boolean', default: false },
        'exit-when-ready': { type: 'boolean', default: false },
        'istiod-debug-url': { type: 'string' },
        'istiod-token-file': { type: 'string' },
        'prometheus-url': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const embedded = values.embedded || !clusterConfigured(values.kubeconfig);
  const guard = <T>(f: () => T): T => {
    try {
      return f();
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  };
  const settleDelayMs = guard(() => parseDuration(values['settle-delay'] ?? (embedded ? EMBEDDED_SETTLE_DELAY : DEFAULT_SETTLE_DELAY), '--settle-delay'));
  // Default RESYNC_PERIOD_MS; the benchmark shortens it to measure an idle resync's writes.
  const resyncPeriod = values['resync-period'];
  const resyncPeriodMs = resyncPeriod === undefined ? undefined : guard(() => parseDuration(resyncPeriod, '--resync-period'));
  const httpPort = Number(values['http-port']);
  if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) throw new UsageError(`--http-port must be a port number 0-65535 (got ${values['http-port']})`);
  const istiodUrls = (values['istiod-debug-url'] ?? '').split(',').map((u) => u.trim().replace(/\/+$/, '')).filter((u) => u !== '');
  const badUrl = istiodUrls.find((u) => !/^https?:\/\/[^/]+/.test(u));
  if (badUrl !== undefined) throw new UsageError(`--istiod-debug-url must be http(s)://host:port (got ${badUrl})`);
  const tokenFile = values['istiod-token-file'];
  if (tokenFile !== undefined && !existsSync(tokenFile)) throw new UsageError(`--istiod-token-file ${tokenFile} does not exist`);
  const prometheusUrl = values['prometheus-url']?.trim().replace(/\/+$/, '');
  if (prometheusUrl !== undefined && !/^https?:\/\/[^/]+/.test(prometheusUrl)) throw new UsageError(`--prometheus-url must be http(s)://host:port (got ${prometheusUrl})`);
  return {
    kubeconfig: values.kubeconfig,
    namespace: values.namespace,
    embedded,
    exitWhenReady: values['exit-when-ready'],
    leaderElection: !values['no-leader-election'],
    settleDelayMs,
    resyncPeriodMs,
    httpPort,
    istiodUrls,
    istiodToken: tokenFile === undefined ? undefined : () => readFileSync(tokenFile, 'utf8').trim(),
    ...(prometheusUrl === undefined ? {} : { prometheusUrl }),
  };
}
