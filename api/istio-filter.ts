import { z } from 'zod';
import { API_VERSION, conditions, duration, freeForm, objectMeta, stringMatch } from './meta.ts';

export const MIN_PRIORITY = -1000;
export const MAX_PRIORITY = 1000;
/** Bound on patches per filter; a filter is meant to be small and owned by one tool. */
export const MAX_PATCHES = 32;
/** Labels a mirror subset selects on; a selector needs few, and CEL cost estimates need a bound. */
export const MAX_MIRROR_LABELS = 16;

const percentage = z.number().min(0).max(100);

export const faultPatch = z
  .object({
    delay: z.object({ fixedDelay: duration, percentage }).optional(),
    abort: z
      .object({ httpStatus: z.number().int().min(200).max(599).optional(), grpcStatus: z.string().max(64).optional(), percentage })
      .optional(),
  })
  .meta({ 'x-kubernetes-validations': [{ rule: 'has(self.delay) || has(self.abort)', message: 'fault needs delay or abort' }] });

export const mirrorPatch = z
  .object({
    /** Mirror host (default: the Router's host). */
    host: z.string().min(1).max(253).optional(),
    /** DR subset to mirror to. With `labels`, the subset is added to the DestinationRule if absent. */
    subset: z.string().min(1).max(253).optional(),
    labels: z.record(z.string().max(317), z.string().max(63)).optional().meta({ maxProperties: MAX_MIRROR_LABELS }),
    port: z.number().int().min(1).max(65535).optional(),
    percentage,
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: 'has(self.host) || has(self.subset)', message: 'mirror needs a host or a subset' },
      { rule: '!has(self.labels) || has(self.subset)', message: 'mirror labels need a subset name' },
    ],
  });

export const retriesPatch = z.object({
  attempts: z.number().int().min(0).max(100),
  perTryTimeout: duration.optional(),
  retryOn: z.string().max(512).optional(),
});

const headerOps = z.object({
  set: z.record(z.string(), z.string()).optional(),
  add: z.record(z.string(), z.string()).optional(),
  remove: z.array(z.string()).max(64).optional(),
});
export const headersPatch = z.object({ request: headerOps.optional(), response: headerOps.optional() });

export const corsPatch = z.object({
  allowOrigins: z.array(stringMatch).max(64).optional(),
  allowMethods: z.array(z.string()).max(16).optional(),
  allowHeaders: z.array(z.string()).max(64).optional(),
  exposeHeaders: z.array(z.string()).max(64).optional(),
  maxAge: duration.optional(),
  allowCredentials: z.boolean().optional(),
});

/** DestinationRule traffic policy pieces (Istio `TrafficPolicy` fields, checked against Istio's schema). */
export const trafficPolicyPatch = z.object({
  connectionPool: freeForm.optional(),
  outlierDetection: freeForm.optional(),
  loadBalancer: freeForm.optional(),
  tls: freeForm.optional(),
});

export const jsonPatchOp = z.object({
  op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']),
  path: z.string().max(1024),
  from: z.string().max(1024).optional(),
  value: z.unknown().optional().meta({ 'x-kubernetes-preserve-unknown-fields': true }),
});
export const jsonPatch = z.object({
  target: z.enum(['VirtualService', 'DestinationRule']),
  ops: z.array(jsonPatchOp).min(1).max(64),
});

export const PATCH_TYPES = ['fault', 'mirror', 'retries', 'timeout', 'headers', 'corsPolicy', 'trafficPolicy', 'jsonPatch'] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

export const filterPatch = z
  .object({
    fault: faultPatch.optional(),
    mirror: mirrorPatch.optional(),
    retries: retriesPatch.optional(),
    timeout: duration.optional(),
    headers: headersPatch.optional(),
    corsPolicy: corsPatch.optional(),
    trafficPolicy: trafficPolicyPatch.optional(),
    jsonPatch: jsonPatch.optional(),
  })
  .superRefine((p, ctx) => {
    const set = PATCH_TYPES.filter((k) => p[k] !== undefined);
    if (set.length !== 1) ctx.addIssue({ code: 'custom', message: `exactly one patch type must be set (got ${set.length === 0 ? 'none' : set.join(', ')})` });
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: `[${PATCH_TYPES.map((k) => `has(self.${k})`).join(', ')}].filter(x, x).size() == 1`,
        message: `exactly one patch type must be set (${PATCH_TYPES.join(', ')})`,
      },
    ],
  });
export type FilterPatch = z.infer<typeof filterPatch>;

function priorityRangeMessage(value: unknown): string {
  return `priority must be between ${MIN_PRIORITY} and ${MAX_PRIORITY} (got ${String(value)})`;
}

export const istioFilterSpec = z
  .object({
    /** What the filter patches: a Router (by name, same namespace) or the VS/DR of a host. */
    target: z
      .object({ router: z.string().min(1).max(253).optional(), host: z.string().min(1).max(253).optional() })
      .meta({ 'x-kubernetes-validations': [{ rule: 'has(self.router) != has(self.host)', message: 'target needs exactly one of router or host' }] }),
    /** Lower applies first; ties broken by creation time, then name. Range -1000..1000, default 0. */
    priority: z
      .number()
      .int()
      .min(MIN_PRIORITY, { error: (iss) => priorityRangeMessage(iss.input) })
      .max(MAX_PRIORITY, { error: (iss) => priorityRangeMessage(iss.input) })
      .optional(),
    /** Restrict HTTP route patches to these route names or branches (default: every route). */
    scope: z
      .object({ routes: z.array(z.string().max(253)).max(64).optional(), branches: z.array(z.string().max(63)).max(64).optional() })
      .optional(),
    /** RFC 3339 time after which the filter no longer applies (chaos experiments end by themselves). */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    patches: z.array(filterPatch).min(1).max(MAX_PATCHES),
  })
  .superRefine((spec, ctx) => {
    if ((spec.target.router === undefined) === (spec.target.host === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'target needs exactly one of router or host' });
    }
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: `!has(self.priority) || (self.priority >= ${MIN_PRIORITY} && self.priority <= ${MAX_PRIORITY})`,
        // format(), not `+ string(int)`: the API server costs a concatenated string(int) as unbounded.
        messageExpression: `'priority must be between ${MIN_PRIORITY} and ${MAX_PRIORITY} (got %d)'.format([self.priority])`,
        fieldPath: '.priority',
      },
    ],
  });
export type IstioFilterSpec = z.infer<typeof istioFilterSpec>;

export const patchResult = z.object({
  index: z.number().int(),
  type: z.string(),
  applied: z.boolean(),
  reason: z.string().optional(),
});

export const istioFilterStatus = z.object({
  /** The generation the status describes (kstatus compares it with metadata.generation). */
  observedGeneration: z.number().int().min(0).optional(),
  conditions: conditions.optional(),
  /** Applied, PartiallyApplied, Skipped, Expired, Pending or Invalid. */
  phase: z.string().optional(),
  /** 1-based position in the target's filter chain. */
  position: z.number().int().optional(),
  /** Total filters in the chain. */
  chainLength: z.number().int().optional(),
  patches: z.array(patchResult).optional(),
  message: z.string().optional(),
});
export type IstioFilterStatus = z.infer<typeof istioFilterStatus>;

export const istioFilter = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('IstioFilter'),
  metadata: objectMeta,
  spec: istioFilterSpec,
  status: istioFilterStatus.optional(),
});
export type IstioFilter = z.infer<typeof istioFilter>;
