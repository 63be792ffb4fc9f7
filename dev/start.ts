/**
 * `npm start`: the main job. With a cluster configured (--kubeconfig, $KUBECONFIG, in-cluster
 * service account or ~/.kube/config) it runs the controllers against it, exactly as the
 * container's `controllers/main.ts` does. With none (or --embedded), it starts the embedded local
 * control plane (real kube-apiserver + etcd + garbage collector, with the Istio and Switchyard
 * CRDs), the controllers and the rate-limit service, applies examples/ and prints where to look.
 *
 *   npm start [-- --kubeconfig PATH] [--namespace NS] [--settle-delay 5s] [--http-port 8090]
 *                [--no-leader-election] [--resync-period 10m] [--embedded] [--exit-when-ready]
 *                [--istiod-debug-url URL[,URL]] [--istiod-token-file PATH]
 */
import { CONTROLLER_USAGE, UsageError, parseControllerArgs, type ControllerArgs } from '../controllers/controller-args.ts';
import { controllerSet } from '../controllers/controller-set.ts';
import { runControllers } from '../controllers/main.ts';
import { createProcessRegistry } from '../kube/metrics.ts';
import { runEmbedded } from './embedded/run-embedded.ts';

async function start(argv: readonly string[]): Promise<number> {
  let args: ControllerArgs;
  try {
    args = parseControllerArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`switchyard: ${err.message}\nusage: npm start -- ${CONTROLLER_USAGE.replace(/^usage: /, '')}`);
    return 2;
  }
  if (!args.embedded) return runControllers(args);
  // One process, one registry: the controllers and the rate-limit service both record into it.
  const { controllers, metrics } = controllerSet(args, createProcessRegistry());
  return runEmbedded({ controllers, metrics, httpPort: args.httpPort, exitWhenReady: args.exitWhenReady, published: { istiodUrls: args.istiodUrls, prometheusUrl: args.prometheusUrl } });
}

start(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`switchyard: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
