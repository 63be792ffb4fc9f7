import { describe, expect, it } from 'vitest';
import { readServiceConfig } from './service-config.ts';

describe('readServiceConfig', () => {
  it('defaults: loopback, gRPC 8081, HTTP 8080, memory store, no headers', () => {
    expect(readServiceConfig(['--config', 'q.yaml'], {})).toEqual({
      host: '127.0.0.1',
      grpcPort: 8081,
      httpPort: 8080,
      source: { kind: 'file', path: 'q.yaml' },
      rateLimitHeaders: false,
      store: { kind: 'memory', countOverLimit: false },
    });
  });

  it('reads quotas from the cluster when no file is given, and counting while over limit on request', () => {
    expect(readServiceConfig(['--count-over-limit', 'true'], { KUBECONFIG: 'kc', RLS_NAMESPACE: 'shop' })).toMatchObject({
      source: { kind: 'kubernetes', kubeconfig: 'kc', namespace: 'shop' },
      store: { kind: 'memory', countOverLimit: true },
    });
  });

  it('reads the environment; flags win', () => {
    const env = { RLS_CONFIG: 'env.yaml', RLS_GRPC_PORT: '9000', RLS_HOST: '0.0.0.0', RLS_RATE_LIMIT_HEADERS: 'true', RLS_STORE: 'redis', REDIS_URL: 'redis://r:6379' };
    expect(readServiceConfig(['--grpc-port', '9001'], env)).toEqual({
      host: '0.0.0.0',
      grpcPort: 9001,
      httpPort: 8080,
      source: { kind: 'file', path: 'env.yaml' },
      rateLimitHeaders: true,
      store: { kind: 'redis', topology: { mode: 'standalone', url: 'redis://r:6379' }, password: undefined, tls: false, keyPrefix: 'switchyard:', countOverLimit: false },
    });
  });

  it('reads the store deadline (absent: the decider default)', () => {
    expect(readServiceConfig(['--config', 'q', '--store-deadline-ms', '400'], {}).storeDeadlineMs).toBe(400);
    expect(readServiceConfig(['--config', 'q'], { RLS_STORE_DEADLINE_MS: '30' }).storeDeadlineMs).toBe(30);
    expect('storeDeadlineMs' in readServiceConfig(['--config', 'q'], {})).toBe(false);
  });

  it('reads Sentinel and Cluster endpoints', () => {
    const sentinel = readServiceConfig(['--config', 'q', '--store', 'redis', '--redis-sentinels', 's1:26379, s2:26379', '--redis-master-name', 'mymaster'], {});
    expect(sentinel.store).toMatchObject({ topology: { mode: 'sentinel', sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }], masterName: 'mymaster' } });
    const cluster = readServiceConfig(['--config', 'q', '--store', 'redis', '--redis-cluster-nodes', 'n1:7000'], {});
    expect(cluster.store).toMatchObject({ topology: { mode: 'cluster', nodes: [{ host: 'n1', port: 7000 }] } });
  });

  it.each([
    [['--config', 'q', '--grpc-port', '70000'], {}, '--grpc-port / RLS_GRPC_PORT: Too big: expected number to be <=65535 (got "70000")'],
    [['--source', 'file'], {}, '--config / RLS_CONFIG: is required with --source / RLS_SOURCE file: the quota file (Switchyard RateLimit list or envoyproxy/ratelimit YAML) (got undefined)'],
    [['--source', 'etcd'], {}, '--source / RLS_SOURCE: Invalid option: expected one of "file"|"kubernetes" (got "etcd")'],
    [['--config', 'q', '--store-deadline-ms', '0'], {}, '--store-deadline-ms / RLS_STORE_DEADLINE_MS: Too small: expected number to be >=1 (got "0")'],
    [['--config', 'q', '--store', 'disk'], {}, '--store / RLS_STORE: Invalid option: expected one of "memory"|"redis" (got "disk")'],
    [['--config', 'q', '--store', 'redis'], {}, '--store / RLS_STORE: redis needs exactly one of --redis-url / REDIS_URL, --redis-sentinels / REDIS_SENTINELS (+ --redis-master-name / REDIS_MASTER_NAME), --redis-cluster-nodes / REDIS_CLUSTER_NODES (got none)'],
    [['--config', 'q', '--store', 'redis', '--redis-sentinels', 's1'], {}, '--redis-sentinels / REDIS_SENTINELS: each entry must be host:port, comma-separated (got "s1")'],
  ])('%j %j', (argv, env, message) => {
    expect(() => readServiceConfig(argv, env)).toThrow(message);
  });
});
