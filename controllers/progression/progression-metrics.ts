import { Counter, Gauge, type Registry } from 'prom-client';

/** The walk's metrics. No per-request or per-version label: one series per Router at most. */
export interface ProgressionMetrics {
  steps: Counter;
  promotions: Counter;
  rollbacks: Counter<'reason'>;
  analyses: Counter<'verdict'>;
  canaryWeight: Gauge<'namespace' | 'router'>;
}

/** Registers the progression metrics on `registry`. */
export function progressionMetrics(registry: Registry): ProgressionMetrics {
  const registers = [registry];
  return {
    steps: new Counter({ name: 'switchyard_progression_steps_total', help: 'Walk steps started.', registers }),
    promotions: new Counter({ name: 'switchyard_progression_promotions_total', help: 'Walks that reached their desired weights.', registers }),
    rollbacks: new Counter({ name: 'switchyard_progression_rollbacks_total', help: 'Walks rolled back, by reason (analysis, unknown, command).', labelNames: ['reason'], registers }),
    analyses: new Counter({ name: 'switchyard_progression_analysis_total', help: 'Check results, by verdict (Pass, Fail, Unknown).', labelNames: ['verdict'], registers }),
    canaryWeight: new Gauge({ name: 'switchyard_progression_canary_weight', help: "The walk step's share of the way to the desired weights, in % (0 at rest).", labelNames: ['namespace', 'router'], registers }),
  };
}
