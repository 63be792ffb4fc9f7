/**
 * The controller process (the container's entry point): runs Switchyard's Router, IstioFilter and
 * RateLimit controllers against a cluster.
 *
 *   node controllers/main.ts [--kubeconfig PATH] [--namespace NS] [--settle-delay 5s] [--http-port 8090]
 *                [--no-leader-election] [--resync-period 10m]
 *                [--istiod-debug-url http://istiod.istio-system:15014[,…]] [--istiod-token-file PATH]
 *
 * --istiod-debug-url enables `spec.propagation.mode: verified`: each make-before-break step waits
 * until istiod's proxies acknowledged a push that carries it (/debug/syncz, /debug/config_dump).
 * --istiod-token-file is sent as a bearer token (a projected ServiceAccount token, audience istio-ca).
 *
 * The cluster comes from --kubeconfig, $KUBECONFIG, the in-cluster service account or
 * ~/.kube/config. With none, `npm start` (dev/start.ts) starts the embedded local control plane.
 */
import { pathToFileURL } from 'node:url';
import { loadKubeConfig } from '../kube/kube-client.ts';
import { createProcessRegistry } from '../kube/metrics.ts';
import { Manager, stopOnSignals } from '../kube/manager.ts';
import { CONTROLLER_LEASE, controllerConfigAnnotations } from '../core/analyze/controller-config.ts';
import type { ManagerOptions } from '../kube/manager.ts';
import { controllerSet } from './controller-set.ts';
import { CONTROLLER_USAGE, UsageError, parseControllerArgs, type ControllerArgs } from './controller-args.ts';

/** The Lease two replicas campaign for; lives in Switchyard's own namespace. */
export const LEADER_LEASE = CONTROLLER_LEASE;

/**
 * Leader election on LEADER_LEASE, whose holder publishes the configuration users need to judge
 * their Routers (`switchyard.io/istiod-url: set|unset`, `switchyard.io/prometheus-url`; never the
 * token) as Lease annotations, read by `kubectl switchyard analyze`. False with --no-leader-election.
 */
export function leaderElectionOf(args: Pick<ControllerArgs, 'leaderElection' | 'istiodUrls' | 'prometheusUrl'>): ManagerOptions['leaderElection'] {
  return args.leaderElection ? { ...LEADER_LEASE, annotations: controllerConfigAnnotations(args) } : false;
}

/** Runs the controllers against the configured cluster until SIGINT/SIGTERM; resolves to the exit code. */
export async function runControllers(args: ControllerArgs): Promise<number> {
  const { controllers, metrics } = controllerSet(args, createProcessRegistry());
  const manager = new Manager({
    kubeConfig: loadKubeConfig({ path: args.kubeconfig }),
    controllers,
    namespace: args.namespace,
    leaderElection: leaderElectionOf(args),
    http: { port: args.httpPort },
    resyncPeriodMs: args.resyncPeriodMs,
    metrics,
  });
  await manager.start();
  manager.log.info('controllers started', { httpPort: manager.httpPort, leaderElection: args.leaderElection });
  await stopOnSignals(manager);
  return 0;
}

/** Entry: parse flags (exit 2 with usage on a bad one), then run; the embedded plane is `npm start`'s. */
export async function main(argv: readonly string[], prog = 'switchyard controllers'): Promise<number> {
  let args: ControllerArgs;
  try {
    args = parseControllerArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${prog}: ${err.message}\n${CONTROLLER_USAGE}`);
    return 2;
  }
  if (args.embedded) {
    console.error(`${prog}: no cluster configured (--kubeconfig, $KUBECONFIG, in-cluster service account or ~/.kube/config); \`npm start\` runs the embedded local control plane`);
    return 2;
  }
  return runControllers(args);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(`switchyard controllers: ${(err as Error).message}`);
      process.exitCode = 1;
    },
  );
}
