import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startControlPlane } from '../control-plane.ts';
import { loadKubeConfig, KubeClient } from '../../kube/kube-client.ts';
import { createLogger } from '../../kube/logger.ts';
import { Manager } from '../../kube/manager.ts';
import type { RuntimeMetrics } from '../../kube/runtime-metrics.ts';
import type { ControllerSpec } from '../../kube/types.ts';
import { leaderElectionOf } from '../../controllers/main.ts';
import { applyObjects, readObjects } from '../../kube/apply-as-user.ts';
import { startEmbeddedRateLimitService } from './embedded-rate-limit.ts';
import { printSummary, waitForSettled } from './summary.ts';

const ROOT = join(import.meta.dirname, '..', '..');
/** Routers settle in three steps; with the demo's short delay a minute is plenty. */
const SETTLE_TIMEOUT_MS = 90_000;

export interface EmbeddedOptions {
  controllers: ControllerSpec[];
  /** The controllers' metrics; the rate-limit service joins their registry (one per process). */
  metrics: RuntimeMetrics;
  httpPort: number;
  exitWhenReady: boolean;
  /** What the leader publishes on its Lease for `kubectl switchyard analyze` (as `controllers/main.ts` does). */
  published: { istiodUrls: string[]; prometheusUrl?: string };
}

/**
 * The embedded default: a real local control plane (built from Go modules on first use, cached),
 * the project's RBAC applied so the controllers run under their least-privilege identity, the
 * controllers and the rate-limit service, and examples/ applied. Stops everything on SIGINT/SIGTERM.
 */
export async function runEmbedded(opts: EmbeddedOptions): Promise<number> {
  console.log('switchyard: no cluster configured; starting the embedded local control plane (first run builds kube-apiserver and etcd, ~5 min)…');
  const cp = await startControlPlane({ withControllerManager: true, installCrds: true });
  let stopping = false;
  const admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
  const cleanups: (() => Promise<void>)[] = [() => cp.stop()];
  const stopAll = async (): Promise<void> => {
    stopping = true;
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => console.error(`switchyard: stop: ${(err as Error).message}`));
  };
  try {
    await applyObjects(admin, await readObjects([join(ROOT, 'deploy', 'rbac.yaml')]));
    // The terminal shows the story; the JSON logs go next to the control plane's own logs.
    const controllerLog = createWriteStream(join(cp.logDir, 'controllers.log'), { flags: 'a' });
    const rlsLog = createWriteStream(join(cp.logDir, 'ratelimit.log'), { flags: 'a' });
    cleanups.push(async () => {
      controllerLog.end();
      rlsLog.end();
    });
    const manager = new Manager({
      log: createLogger({ write: (line) => controllerLog.write(line + '\n') }),
      kubeConfig: loadKubeConfig({ path: cp.controllerKubeconfigPath }),
      controllers: opts.controllers,
      metrics: opts.metrics,
      leaderElection: leaderElectionOf({ leaderElection: true, ...opts.published }),
      http: { port: opts.httpPort, host: '127.0.0.1' },
    });
    await manager.start();
    cleanups.push(() => manager.stop());
    const rls = await startEmbeddedRateLimitService(cp.controllerKubeconfigPath, (line) => rlsLog.write(line), opts.metrics.registry);
    cleanups.push(() => rls.shutdown());
    await applyObjects(admin, await readObjects([join(ROOT, 'examples')]));
    console.log('switchyard: applied examples/; waiting for the Routers to settle (make-before-break, step by step)…');
    const settled = await waitForSettled(admin, SETTLE_TIMEOUT_MS);
    await printSummary(admin, { kubeconfig: cp.kubeconfigPath, metricsPort: manager.httpPort, rlsGrpcPort: rls.grpcPort, rlsHttpPort: rls.httpPort, logDir: cp.logDir });
    if (!settled) console.error('switchyard: not every Router reached Ready in time; see the Phase column and the controller log');
    if (opts.exitWhenReady) {
      await stopAll();
      return settled ? 0 : 1;
    }
    console.log('switchyard: running; Ctrl-C stops the controllers, the rate-limit service and the control plane.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await stopAll();
    return 0;
  } catch (err) {
    if (!stopping) await stopAll();
    await sleep(0);
    throw err;
  }
}
