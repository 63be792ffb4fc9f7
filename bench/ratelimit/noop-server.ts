/**
 * The benchmark's floor: Switchyard's rate-limit service on the same gRPC stack, quota file and
 * Node flags, with a store that counts nothing (noop-store.ts). Usage:
 *   node bench/ratelimit/noop-server.ts --config FILE --host 127.0.0.1 --grpc-port N --http-port N
 */
import { FileQuotaSource } from '../../ratelimit/config/file-quota-source.ts';
import { startRateLimitService } from '../../ratelimit/service/rate-limit-service.ts';
import { readServiceConfig } from '../../ratelimit/service/service-config.ts';
import { NoopStore } from './noop-store.ts';

async function main(): Promise<void> {
  const config = readServiceConfig(process.argv.slice(2), {});
  if (config.source.kind !== 'file') throw new Error('noop-server: --config FILE is required');
  const source = await FileQuotaSource.open(config.source.path);
  const service = await startRateLimitService({ source, store: new NoopStore(), host: config.host, grpcPort: config.grpcPort, httpPort: config.httpPort });
  const stop = () => void service.shutdown().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
