import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DEFAULT_BUCKETS } from './metrics.ts';

/** Settle waits run from seconds to minutes. */
const WAIT_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

/** The runtime's metrics, registered once per registry (a second call on one registry throws). */
export interface RuntimeMetrics {
  registry: Registry;
  reconcileTotal: Counter<'controller' | 'result'>;
  reconcileErrors: Counter<'controller'>;
  reconcileDuration: Histogram<'controller'>;
  queueDepth: Gauge<'controller'>;
  applyTotal: Counter<'kind' | 'outcome'>;
  waitDuration: Histogram<'controller'>;
  propagationWait: Histogram<'outcome'>;
  informerRestarts: Counter<'kind'>;
  leader: Gauge;
  eventsDropped: Counter<'reason'>;
  /**
   * Runs `fn` at scrape time, before the scrape-time gauges (queue depth, leader) are read. It may
   * run more than once per scrape (once per such gauge), so it must only set gauges.
   */
  onCollect(fn: () => void): void;
}

/** Registers the runtime's metrics on `registry` (default: a fresh one without default metrics, for tests). */
export function runtimeMetrics(registry: Registry = new Registry()): RuntimeMetrics {
  const registers = [registry];
  const collectors: (() => void)[] = [];
  const collect = (): void => {
    for (const fn of collectors) fn();
  };
  return {
    registry,
    reconcileTotal: new Counter({ name: 'switchyard_reconcile_total', help: 'Reconciles by controller and result (done, requeue, terminal, error).', labelNames: ['controller', 'result'], registers }),
    reconcileErrors: new Counter({ name: 'switchyard_reconcile_errors_total', help: 'Reconciles that threw, by controller.', labelNames: ['controller'], registers }),
    reconcileDuration: new Histogram({ name: 'switchyard_reconcile_duration_seconds', help: 'Duration of one reconcile, by controller.', labelNames: ['controller'], buckets: DEFAULT_BUCKETS, registers }),
    queueDepth: new Gauge({ name: 'switchyard_queue_depth', help: 'Keys waiting to be reconciled, by controller.', labelNames: ['controller'], registers, collect }),
    applyTotal: new Counter({ name: 'switchyard_apply_total', help: 'Applies by kind and outcome (created, updated, unchanged).', labelNames: ['kind', 'outcome'], registers }),
    waitDuration: new Histogram({ name: 'switchyard_wait_duration_seconds', help: 'Time reconciles spent waiting (settle delays), by controller.', labelNames: ['controller'], buckets: WAIT_BUCKETS, registers }),
    propagationWait: new Histogram({ name: 'switchyard_propagation_wait_seconds', help: 'Verified propagation waits (istiod asked), by outcome: confirmed, timeout, unreachable.', labelNames: ['outcome'], buckets: WAIT_BUCKETS, registers }),
    informerRestarts: new Counter({ name: 'switchyard_informer_restarts_total', help: 'Informer restarts after a failed list or watch, by kind.', labelNames: ['kind'], registers }),
    leader: new Gauge({ name: 'switchyard_leader', help: '1 while this process leads, else 0.', registers, collect }),
    eventsDropped: new Counter({ name: 'switchyard_events_dropped_total', help: 'Kubernetes Events not recorded, by reason (rate, error).', labelNames: ['reason'], registers }),
    onCollect: (fn) => void collectors.push(fn),
  };
}
