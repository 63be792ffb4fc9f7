import { z } from 'zod';
import { duration } from './meta.ts';

/** Bounds keep CEL cost estimates finite and a walk reviewable. */
export const MAX_STEPS = 20;
export const MAX_CHECKS = 16;
export const MAX_WEBHOOKS = 8;

/** Built-in checks: the canary's success rate (min, %) and its p99 latency (max, ms). */
export const BUILTIN_METRICS = ['successRate', 'latency'] as const;
export type BuiltinMetric = (typeof BUILTIN_METRICS)[number];
/** Where the built-in checks read: Istio's standard metrics or Envoy's own cluster statistics. */
export const METRIC_SOURCES = ['istio', 'envoy'] as const;
export type MetricSource = (typeof METRIC_SOURCES)[number];

const checkName = z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a lowercase RFC 1123 label');
const httpUrl = z.string().max(2048).regex(/^https?:\/\/[^\s]+$/, 'must be an http:// or https:// URL');

export const analysisCheck = z
  .object({
    name: checkName,
    /** A built-in check; exactly one of `metric` and `query`. */
    metric: z.enum(BUILTIN_METRICS).optional(),
    /**
     * PromQL returning one number. Placeholders: `{{namespace}}`, `{{host}}`, `{{branch}}`,
     * `{{subset}}`, `{{version}}` (the canary's), `{{port}}` and `{{interval}}` (a range such as `30s`).
     */
    query: z.string().min(1).max(4096).optional(),
    /** Source of a built-in check (default: `spec.progression.metricsSource`, else `istio`). */
    source: z.enum(METRIC_SOURCES).optional(),
    /** The check fails below this value. */
    min: z.number().optional(),
    /** The check fails above this value. */
    max: z.number().optional(),
  })
  .superRefine((c, ctx) => {
    if ((c.metric === undefined) === (c.query === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['metric'], message: `check ${c.name} needs exactly one of metric and query` });
    }
    if (c.min === undefined && c.max === undefined) ctx.addIssue({ code: 'custom', path: ['min'], message: `check ${c.name} needs min or max` });
    if (c.query !== undefined && c.source !== undefined) ctx.addIssue({ code: 'custom', path: ['source'], message: `check ${c.name}: source applies to a built-in metric, not to a query` });
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'has(self.metric) != has(self.query)', messageExpression: "'check ' + self.name + ' needs exactly one of metric and query'", fieldPath: '.metric' },
      { rule: 'has(self.min) || has(self.max)', messageExpression: "'check ' + self.name + ' needs min or max'", fieldPath: '.min' },
      { rule: '!has(self.query) || !has(self.source)', messageExpression: "'check ' + self.name + ': source applies to a built-in metric, not to a query'", fieldPath: '.source' },
    ],
  });
export type AnalysisCheck = z.infer<typeof analysisCheck>;

/** `gate`: asked before each step (2xx opens it); `promoted` / `rolledBack`: told afterwards. */
export const WEBHOOK_TYPES = ['gate', 'promoted', 'rolledBack'] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export const progressionWebhook = z.object({
  name: checkName,
  type: z.enum(WEBHOOK_TYPES),
  url: httpUrl,
  /** How long the controller waits for an answer (default 5s); a gate that times out stays closed. */
  timeout: duration.optional(),
});
export type ProgressionWebhook = z.infer<typeof progressionWebhook>;

const stepWeight = z.number().int().min(1).max(99);

export const progression = z
  .object({
    /** The canary's share of the way at each step, in %, strictly increasing (e.g. `[5, 25, 50]`); 100 is the end. */
    steps: z.array(stepWeight).min(1).max(MAX_STEPS).optional(),
    /** Instead of `steps`: stepWeight, 2×stepWeight, … up to maxWeight (default 50). */
    stepWeight: stepWeight.optional(),
    maxWeight: stepWeight.optional(),
    /** Analysis time after each step is confirmed, before the next one (default 1m). */
    interval: duration.optional(),
    /** Failed analyses (or unknown ones in a row) that roll the walk back (default 2). */
    failureLimit: z.number().int().min(1).max(100).optional(),
    /** Step weights that wait for `resume` or `promote` once they are live. */
    pauseAt: z.array(stepWeight).max(MAX_STEPS).optional(),
    /** Prometheus for this Router (default: the controller's `--prometheus-url`). */
    prometheus: z.object({ url: httpUrl }).optional(),
    /** Default source of the built-in checks (default `istio`). */
    metricsSource: z.enum(METRIC_SOURCES).optional(),
    analysis: z.array(analysisCheck).max(MAX_CHECKS).optional(),
    webhooks: z.array(progressionWebhook).max(MAX_WEBHOOKS).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.steps !== undefined && (p.stepWeight !== undefined || p.maxWeight !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'give either steps or stepWeight/maxWeight, not both' });
    }
    if (p.steps?.some((w, i) => i > 0 && w <= (p.steps?.[i - 1] ?? 0))) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: `steps must be strictly increasing (got ${JSON.stringify(p.steps)})` });
    }
    if (p.stepWeight !== undefined && p.maxWeight !== undefined && p.maxWeight < p.stepWeight) {
      ctx.addIssue({ code: 'custom', path: ['maxWeight'], message: `maxWeight must be at least stepWeight (got ${p.maxWeight} < ${p.stepWeight})` });
    }
    const names = new Set<string>();
    for (const [i, c] of (p.analysis ?? []).entries()) {
      if (names.has(c.name)) ctx.addIssue({ code: 'custom', path: ['analysis', i, 'name'], message: `check names must be unique (duplicate ${c.name})` });
      names.add(c.name);
    }
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: '!has(self.steps) || (!has(self.stepWeight) && !has(self.maxWeight))', message: 'give either steps or stepWeight/maxWeight, not both', fieldPath: '.steps' },
      { rule: '!has(self.steps) || (self.steps.isSorted() && self.steps.all(w, self.steps.exists_one(v, v == w)))', message: 'steps must be strictly increasing', fieldPath: '.steps' },
      { rule: '!has(self.stepWeight) || !has(self.maxWeight) || self.maxWeight >= self.stepWeight', message: 'maxWeight must be at least stepWeight', fieldPath: '.maxWeight' },
      { rule: '!has(self.analysis) || self.analysis.all(a, self.analysis.exists_one(b, b.name == a.name))', message: 'check names must be unique', fieldPath: '.analysis' },
    ],
  });
export type Progression = z.infer<typeof progression>;

/** The walk's phases. */
export const PROGRESSION_PHASES = ['Promoted', 'Progressing', 'Paused', 'RollingBack', 'RolledBack'] as const;
export type ProgressionPhase = (typeof PROGRESSION_PHASES)[number];
export const VERDICTS = ['Pass', 'Fail', 'Unknown'] as const;
export type Verdict = (typeof VERDICTS)[number];

const weights = z.record(z.string(), z.number().int());

export const checkStatus = z.object({
  name: z.string(),
  verdict: z.enum(VERDICTS),
  value: z.number().optional(),
  /** e.g. `>= 99` or `<= 500`. */
  threshold: z.string(),
  message: z.string().optional(),
  at: z.string(),
});
export type CheckStatus = z.infer<typeof checkStatus>;

export const progressionStatus = z.object({
  phase: z.enum(PROGRESSION_PHASES),
  /** The default branch's last promoted weights: where a rollback returns. */
  promoted: weights,
  /** The weights this walk heads to (the spec's when it started). */
  target: weights,
  /** The live weights the walk started from. */
  from: weights,
  /** The weights of the step in progress. */
  current: weights,
  step: z.number().int(),
  steps: z.number().int(),
  /** The step's share of the way from `from` to `target`, in %. */
  canaryWeight: z.number().int(),
  /** When the step was live and its analysis window began. */
  stepStartedAt: z.string().optional(),
  nextStepAt: z.string().optional(),
  failures: z.number().int(),
  unknowns: z.number().int(),
  checks: z.array(checkStatus).optional(),
  message: z.string().optional(),
  /** Bumped on every change, so the controller can tell its own newer write from a stale cache. */
  revision: z.number().int().optional(),
  /** The last `switchyard.io/progression` annotation value acted on. */
  command: z.string().optional(),
});
export type ProgressionStatus = z.infer<typeof progressionStatus>;
