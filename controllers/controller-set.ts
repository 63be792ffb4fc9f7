import type { Registry } from 'prom-client';
import type { ControllerSpec } from '../kube/types.ts';
import { runtimeMetrics, type RuntimeMetrics } from '../kube/runtime-metrics.ts';
import type { ControllerArgs } from './controller-args.ts';
import { progressionMetrics } from './progression/progression-metrics.ts';
import { filterController } from './filters/filter-controller.ts';
import { rateLimitController } from './ratelimit/rate-limit-controller.ts';
import { routerController } from './router/router-controller.ts';
import { istiodVerifier, type VerifyOutcome } from './router/verify/istiod-verifier.ts';

/** The three controllers, wired to the flags, and the metrics they record into (on `registry`, the process's one). */
export function controllerSet(args: Pick<ControllerArgs, 'settleDelayMs' | 'istiodUrls' | 'istiodToken' | 'prometheusUrl'>, registry: Registry): { controllers: ControllerSpec[]; metrics: RuntimeMetrics } {
  const metrics = runtimeMetrics(registry);
  const onOutcome = (outcome: VerifyOutcome, seconds: number): void => metrics.propagationWait.observe({ outcome: outcome.kind }, seconds);
  const verifier = args.istiodUrls.length > 0 ? istiodVerifier({ urls: args.istiodUrls, token: args.istiodToken, onOutcome }) : undefined;
  const router = routerController({ settleDelayMs: args.settleDelayMs, verifier, prometheusUrl: args.prometheusUrl, progressionMetrics: progressionMetrics(registry) });
  return { controllers: [router, filterController(), rateLimitController()], metrics };
}
