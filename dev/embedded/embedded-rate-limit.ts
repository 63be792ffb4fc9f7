import type { Registry } from 'prom-client';
import { KubeQuotaSource } from '../../ratelimit/config/kube-quota-source.ts';
import { jsonLogger } from '../../ratelimit/service/json-logger.ts';
import { startRateLimitService, type RunningRateLimitService } from '../../ratelimit/service/rate-limit-service.ts';
import { MemoryStore } from '../../ratelimit/store/memory-store.ts';
import { loadKubeConfig } from '../../kube/kube-client.ts';

/**
 * The rate-limit service of the embedded demo: quotas from the cluster's RateLimit resources,
 * counters in memory (one instance; production runs several replicas on Redis), free loopback ports.
 */
export async function startEmbeddedRateLimitService(kubeconfigPath: string, write: (line: string) => void, registry: Registry): Promise<RunningRateLimitService> {
  const log = jsonLogger(write);
  const source = await KubeQuotaSource.start({ kubeConfig: loadKubeConfig({ path: kubeconfigPath }), log });
  // start() no longer waits for the first list; the demo serves the applied RateLimits from its first answer.
  await source.waitForSync();
  return startRateLimitService({ source, store: new MemoryStore(), grpcPort: 0, httpPort: 0, host: '127.0.0.1', rateLimitHeaders: true, log, registry });
}
