import { Registry, type Metric } from './metrics.ts';

/** Settle waits run from seconds to minutes. */
const WAIT_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

/** The runtime's metrics, registered once per registry. */
export interface RuntimeMetrics {
  registry: Registry;
  reconcileTotal: Metric;
  reconcileErrors: Metric;
  reconcileDuration: Metric;
  queueDepth: Metric;
  applyTotal: Metric;
  waitDuration: Metric;
  propagationWait: Metric;
  informerRestarts: Metric;
  leader: Metric;
  eventsDropped: Metric;
}

export function runtimeMetrics(registry: Registry = new Registry()): RuntimeMetrics {
  return {
    registry,
    reconcileTotal: registry.counter('switchyard_reconcile_total', 'Reconciles by controller and result (done, requeue, terminal, error).'),
    reconcileErrors: registry.counter('switchyard_reconcile_errors_total', 'Reconciles that threw, by controller.'),
    reconcileDuration: registry.histogram('switchyard_reconcile_duration_seconds', 'Duration of one reconcile, by controller.'),
    queueDepth: registry.gauge('switchyard_queue_depth', 'Keys waiting to be reconciled, by controller.'),
    applyTotal: registry.counter('switchyard_apply_total', 'Applies by kind and outcome (created, updated, unchanged).'),
    waitDuration: registry.histogram('switchyard_wait_duration_seconds', 'Time reconciles spent waiting (settle delays), by controller.', WAIT_BUCKETS),
    propagationWait: registry.histogram('switchyard_propagation_wait_seconds', 'Verified propagation waits (istiod asked), by outcome: confirmed, timeout, unreachable.', WAIT_BUCKETS),
    informerRestarts: registry.counter('switchyard_informer_restarts_total', 'Informer restarts after a failed list or watch, by kind.'),
    leader: registry.gauge('switchyard_leader', '1 while this process leads, else 0.'),
    eventsDropped: registry.counter('switchyard_events_dropped_total', 'Kubernetes Events not recorded, by reason (rate, error).'),
  };
}
