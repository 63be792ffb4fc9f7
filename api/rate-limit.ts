import { z } from 'zod';
import { API_VERSION, conditions, duration, generatedRef, objectMeta } from './meta.ts';
import { perClient } from './per-client.ts';

export const UNITS = ['SECOND', 'MINUTE', 'HOUR', 'DAY'] as const;
export type Unit = (typeof UNITS)[number];
export const MAX_STAGE = 10;
export const ALGORITHMS = ['fixedWindow', 'tokenBucket', 'slidingWindow'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const headerMatch = z
  .object({
    /** Header name; pseudo-headers `:path`, `:method`, `:authority` included. */
    key: z.string().min(1).max(256),
    matchType: z.enum(['exact', 'prefix', 'regex', 'present']),
    value: z.string().max(1024).optional(),
    /** Match requests where the header does NOT match. */
    invert: z.boolean().optional(),
  })
  .superRefine((h, ctx) => {
    if (h.matchType !== 'present' && h.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `value is required for matchType ${h.matchType}` });
    }
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: "self.matchType == 'present' || has(self.value)", messageExpression: "'value is required for matchType ' + self.matchType", fieldPath: '.value' },
    ],
  });
export type HeaderMatch = z.infer<typeof headerMatch>;

export const rateLimitMatch = z.object({
  headers: z.array(headerMatch).max(16).optional(),
  /** Callers: pod labels (client side, matched by the caller's own sidecar) and/or mTLS principal. */
  source: z
    .object({ labels: z.record(z.string().max(317), z.string().max(63)).optional(), principal: z.string().max(512).optional() })
    .optional(),
  /** Caller address or CIDR, e.g. `10.1.0.0/16`. */
  remoteAddress: z.string().max(64).regex(/^[0-9a-fA-F:.]+(\/[0-9]{1,3})?$/, 'must be an IP address or CIDR').optional(),
});
export type RateLimitMatch = z.infer<typeof rateLimitMatch>;

/** `workloadSelector` names the target's own pods; a client-side limit runs in its callers. */
/** Envoy's local_ratelimit keeps one bucket per listed descriptor value; it cannot count unknown callers apart. */
const PER_LOCAL_MESSAGE = 'needs mode global: a local limit keeps one token bucket per pod, not one per caller';
/** On a caller's outbound the downstream is the caller's own app, over plaintext: no peer certificate. */
const PRINCIPAL_SIDE_MESSAGE = "needs side server: the caller's principal is known only where its mTLS connection ends, in the target's inbound";
const CLIENT_SELECTOR_MESSAGE = 'selects the target\'s own pods, which only side server uses; with side client select callers with match.source.labels';

export const rateLimitSpec = z
  .object({
    /**
     * Target hosts as `host[:port]`. Server side: the workloads behind each host (its Router's
     * selector, else its Kubernetes Service's selector, in this namespace) are limited on the
     * host's port; client side: callers' outbound to the host.
     */
    hosts: z.array(z.string().min(1).max(260)).max(32).optional(),
    /**
     * Server side: the workloads to limit, by pod labels, instead of those found behind `hosts`
     * (which then only name ports). `{}` (no labels) explicitly means every workload of the
     * namespace.
     */
    workloadSelector: z.object({ labels: z.record(z.string().max(317), z.string().max(63)).optional() }).optional(),
    /** `server` (default): enforce in the target's inbound; `client`: in callers' outbound. */
    side: z.enum(['server', 'client']).optional(),
    /** `global` (default): fleet-wide via the rate-limit service; `local`: per-pod token bucket. */
    mode: z.enum(['global', 'local']).optional(),
    match: rateLimitMatch.optional(),
    /**
     * Count each caller on its own (global mode): by a request header's value, the caller's
     * address, or its principal; `quota` then applies to each. See api/per-client.ts.
     */
    per: perClient.optional(),
    /** Requests allowed per unit (per caller with `per`). */
    quota: z
      .number()
      .int()
      .min(1, { error: (iss) => `quota must be greater than 0 (got ${String(iss.input)})` })
      .max(1_000_000_000),
    unit: z.enum(UNITS),
    /** Envoy rate-limit stage (0–10) so several filters can be chained. */
    stage: z.number().int().min(0).max(MAX_STAGE).optional(),
    /** Count and report, never reject. */
    shadow: z.boolean().optional(),
    /** When the rate-limit service cannot answer: `allow` (default) or `deny`. */
    failureMode: z.enum(['allow', 'deny']).optional(),
    /**
     * Counting algorithm in the rate-limit service (global mode): epoch-aligned fixed window
     * (default), token bucket (GCRA), or sliding window (the sliding-window counter of
     * core/limits/sliding-window.ts: the previous fixed window weighted by its share still inside).
     */
    algorithm: z.enum(ALGORITHMS).optional(),
    /** Rate-limit service domain (default `switchyard`). */
    domain: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, _ . or -').optional(),
    /** Time Envoy waits for the rate-limit service (default 20ms, Envoy's own default). */
    timeout: duration.optional(),
  })
  .superRefine((s, ctx) => {
    if (!s.hosts?.length && !s.workloadSelector) {
      ctx.addIssue({ code: 'custom', path: ['hosts'], message: 'set hosts and/or workloadSelector to say which service is limited' });
    }
    if (s.side === 'client' && s.workloadSelector) {
      ctx.addIssue({ code: 'custom', path: ['workloadSelector'], message: CLIENT_SELECTOR_MESSAGE });
    }
    if (s.side === 'client') {
      if (s.match?.source?.principal !== undefined) ctx.addIssue({ code: 'custom', path: ['match', 'source', 'principal'], message: PRINCIPAL_SIDE_MESSAGE });
      if (s.per?.principal !== undefined) ctx.addIssue({ code: 'custom', path: ['per', 'principal'], message: PRINCIPAL_SIDE_MESSAGE });
    }
    if (s.mode === 'local' && s.per !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['per'], message: PER_LOCAL_MESSAGE });
    }
    if (s.mode === 'local' && s.match?.source?.labels && s.side !== 'client') {
      ctx.addIssue({ code: 'custom', path: ['match', 'source', 'labels'], message: 'source labels need side client (a server cannot see its caller\'s labels)' });
    }
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: '(has(self.hosts) && size(self.hosts) > 0) || has(self.workloadSelector)', message: 'set hosts and/or workloadSelector to say which service is limited', fieldPath: '.hosts' },
      { rule: "!has(self.workloadSelector) || !has(self.side) || self.side != 'client'", message: CLIENT_SELECTOR_MESSAGE, fieldPath: '.workloadSelector' },
      { rule: "!has(self.per) || !has(self.mode) || self.mode != 'local'", message: PER_LOCAL_MESSAGE, fieldPath: '.per' },
      { rule: "!has(self.side) || self.side != 'client' || !has(self.per) || !has(self.per.principal)", message: PRINCIPAL_SIDE_MESSAGE, fieldPath: '.per.principal' },
      {
        rule: "!has(self.side) || self.side != 'client' || !has(self.match) || !has(self.match.source) || !has(self.match.source.principal)",
        message: PRINCIPAL_SIDE_MESSAGE,
        fieldPath: '.match.source.principal',
      },
      // format(), not `+ string(int)`: the API server costs a concatenated string(int) as unbounded.
      { rule: 'self.quota > 0', messageExpression: "'quota must be greater than 0 (got %d)'.format([self.quota])", fieldPath: '.quota' },
    ],
  });
export type RateLimitSpec = z.infer<typeof rateLimitSpec>;

export const rateLimitStatus = z.object({
  /** The generation the status describes (kstatus compares it with metadata.generation). */
  observedGeneration: z.number().int().min(0).optional(),
  conditions: conditions.optional(),
  phase: z.string().optional(),
  /** The descriptor Envoy sends for this limit, e.g. `switchyard_ratelimit=ns.name`. */
  descriptorKey: z.string().optional(),
  domain: z.string().optional(),
  envoyFilters: z.array(generatedRef).optional(),
});
export type RateLimitStatus = z.infer<typeof rateLimitStatus>;

export const rateLimit = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('RateLimit'),
  metadata: objectMeta,
  spec: rateLimitSpec,
  status: rateLimitStatus.optional(),
});
export type RateLimit = z.infer<typeof rateLimit>;
