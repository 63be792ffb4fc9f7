/**
 * `npm start`: runs Switchyard's controllers.
 *
 *   npm start [-- --kubeconfig PATH] [--namespace NS] [--settle-delay 5s] [--http-port 8090]
 *                [--no-leader-election] [--resync-period 10m] [--embedded] [--exit-when-ready]
 *                [--istiod-debug-url http://istiod.istio-system:15014[,…]] [--istiod-token-file PATH]
 *
 * --istiod-debug-url enables `spec.propagation.mode: verified`: each make-before-break step waits
 * until istiod's proxies acknowledged a push that carries it (/debug/syncz, /debug/config_dump).
 * --istiod-token-file is sent as a bearer token (a projected ServiceAccount token, audience istio-ca).
 *
 * With a cluster configured (--kubeconfig, $KUBECONFIG, in-cluster service account, or
 * ~/.kube/config) it runs the Router, IstioFilter and RateLimit controllers against it. With none,
 * it starts the embedded local control plane (real kube-apiserver + etcd + garbage collector, with
 * the Istio and Switchyard CRDs), the rate-limit service, applies examples/ and prints where to look.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { filterController } from './filters/filter-controller.ts';
import { routerController } from './router/router-controller.ts';
import { istiodVerifier, type VerifyOutcome } from './router/verify/istiod-verifier.ts';
import { runtimeMetrics } from '../kube/runtime-metrics.ts';
import { rateLimitController } from './ratelimit/rate-limit-controller.ts';
import { loadKubeConfig } from '../kube/kube-client.ts';
import { Manager, stopOnSignals } from '../kube/manager.ts';
import { parseDuration } from '../dev/embedded/parse-duration.ts';

/** The Lease two replicas campaign for; lives in Switchyard's own namespace. */
const LEASE = { namespace: 'switchyard-system', name: 'switchyard-controllers' };

/** Istio's docs advise waiting a few seconds for config to reach the proxies. */
const DEFAULT_SETTLE_DELAY = '5s';
const EMBEDDED_SETTLE_DELAY = '1s';

const USAGE = 'usage: npm start -- [--kubeconfig PATH] [--namespace NS] [--settle-delay 5s] [--http-port 8090] [--no-leader-election] [--resync-period 10m] [--embedded] [--exit-when-ready] [--istiod-debug-url URL[,URL]] [--istiod-token-file PATH]';

function clusterConfigured(kubeconfig: string | undefined): boolean {
  return Boolean(kubeconfig || process.env.KUBECONFIG || process.env.KUBERNETES_SERVICE_HOST || existsSync(join(homedir(), '.kube', 'config')));
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
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
      },
    }));
  } catch (err) {
    console.error(`switchyard controllers: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const embedded = values.embedded || !clusterConfigured(values.kubeconfig);
  // The demo has no proxies to wait for; a short delay keeps its three steps quick to watch.
  const settleDelayMs = parseDuration(values['settle-delay'] ?? (embedded ? EMBEDDED_SETTLE_DELAY : DEFAULT_SETTLE_DELAY), '--settle-delay');
  // Default RESYNC_PERIOD_MS; the benchmark shortens it to measure an idle resync's writes.
  const resyncPeriod = values['resync-period'];
  const resyncPeriodMs = resyncPeriod === undefined ? undefined : parseDuration(resyncPeriod, '--resync-period');
  const httpPort = Number(values['http-port']);
  if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) {
    console.error(`switchyard controllers: --http-port must be a port number 0-65535 (got ${values['http-port']})`);
    return 2;
  }
  const istiodUrls = (values['istiod-debug-url'] ?? '').split(',').map((u) => u.trim().replace(/\/+$/, '')).filter((u) => u !== '');
  const badUrl = istiodUrls.find((u) => !/^https?:\/\/[^/]+/.test(u));
  if (badUrl !== undefined) {
    console.error(`switchyard controllers: --istiod-debug-url must be http(s)://host:port (got ${badUrl})`);
    return 2;
  }
  const tokenFile = values['istiod-token-file'];
  if (tokenFile !== undefined && !existsSync(tokenFile)) {
    console.error(`switchyard controllers: --istiod-token-file ${tokenFile} does not exist`);
    return 2;
  }
  const token = tokenFile === undefined ? undefined : () => readFileSync(tokenFile, 'utf8').trim();
  const metrics = runtimeMetrics();
  const onOutcome = (outcome: VerifyOutcome, seconds: number): void => metrics.propagationWait.observe({ outcome: outcome.kind }, seconds);
  const verifier = istiodUrls.length > 0 ? istiodVerifier({ urls: istiodUrls, token, onOutcome }) : undefined;
  const controllers = [routerController({ settleDelayMs, verifier }), filterController(), rateLimitController()];
  if (embedded) {
    // Loaded only here: the embedded control plane lives with the test harness, not in the image.
    const { runEmbedded } = await import('../dev/embedded/run-embedded.ts');
    return runEmbedded({ controllers, httpPort, exitWhenReady: values['exit-when-ready'] });
  }
  const manager = new Manager({
    kubeConfig: loadKubeConfig({ path: values.kubeconfig }),
    controllers,
    namespace: values.namespace,
    leaderElection: values['no-leader-election'] ? false : LEASE,
    http: { port: httpPort },
    resyncPeriodMs,
    metrics,
  });
  await manager.start();
  manager.log.info('controllers started', { httpPort: manager.httpPort, leaderElection: !values['no-leader-election'] });
  await stopOnSignals(manager);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`switchyard controllers: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
