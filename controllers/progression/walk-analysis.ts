import type { CheckStatus, Progression, ProgressionStatus } from '../../api/progression.ts';
import type { Router } from '../../api/router.ts';
import { judgeCheck, type GateOutcome, type QueryOutcome } from '../../core/progression/analysis.ts';
import { checkQuery } from '../../core/progression/queries.ts';
import { walkQueryTarget } from '../../core/progression/walk-router.ts';
import { routerNamespace } from '../../core/router/router-host.ts';
import { askGates, type WebhookPayload } from './webhooks.ts';

/** Runs one instant query; `queryPrometheus` in the controllers, a fake in unit tests. */
export type QueryFn = (url: string, promql: string, signal: AbortSignal) => Promise<QueryOutcome>;

export interface AnalysisInput {
  router: Router;
  progression: Progression;
  state: ProgressionStatus;
  intervalMs: number;
  /** The controller's `--prometheus-url`; the Router's `spec.progression.prometheus.url` wins. */
  prometheusUrl: string | undefined;
  query: QueryFn;
  now: Date;
  signal: AbortSignal;
}

/** Every check of the walk judged on its query's result (checks run one after another: a handful per Router per interval). */
export async function runChecks(input: AnalysisInput): Promise<CheckStatus[]> {
  const { progression: p } = input;
  const url = p.prometheus?.url ?? input.prometheusUrl;
  const target = walkQueryTarget(input.router, input.state, input.intervalMs);
  const out: CheckStatus[] = [];
  for (const check of p.analysis ?? []) {
    const outcome: QueryOutcome =
      url === undefined
        ? { unknown: 'no Prometheus to ask: set the controller flag --prometheus-url or spec.progression.prometheus.url' }
        : await input.query(url, checkQuery(check, target, p.metricsSource), input.signal);
    out.push(judgeCheck(check, outcome, input.now));
  }
  return out;
}

/** The JSON body the walk's webhooks receive. */
export function webhookPayload(router: Router, state: ProgressionStatus, type: WebhookPayload['type']): WebhookPayload {
  return {
    type,
    router: { namespace: routerNamespace(router), name: router.metadata.name },
    phase: state.phase,
    step: state.step,
    steps: state.steps,
    canaryWeight: state.canaryWeight,
    current: state.current,
    target: state.target,
    promoted: state.promoted,
    ...(state.message === undefined ? {} : { message: state.message }),
  };
}

/** The gates, asked only once every check passed (a failing step is not put to a human); before step 1 there are no checks. */
export async function gatesFor(input: AnalysisInput, checks: readonly CheckStatus[]): Promise<GateOutcome> {
  if (checks.some((c) => c.verdict !== 'Pass')) return { open: true };
  return askGates(input.progression.webhooks ?? [], webhookPayload(input.router, input.state, 'gate'), input.signal);
}
