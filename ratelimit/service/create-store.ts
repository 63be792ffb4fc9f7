import type { CounterStore } from '../store/counter-store.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { RedisStore } from '../store/redis-store.ts';
import type { ServiceConfig } from './service-config.ts';

/** The counter store the config asks for. */
export function createStore(config: ServiceConfig['store']): CounterStore {
  const stopCountingOverLimit = !config.countOverLimit;
  if (config.kind === 'memory') return new MemoryStore({ stopCountingOverLimit });
  return new RedisStore({ topology: config.topology, password: config.password, tls: config.tls, keyPrefix: config.keyPrefix, stopCountingOverLimit });
}
