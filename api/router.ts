import { z } from 'zod';
import { API_VERSION, DNS_LABEL, conditions, duration, freeForm, generatedRef, objectMeta, stringMatch } from './meta.ts';
import { progression, progressionStatus } from './progression.ts';

/** Bounds keep CEL cost estimates finite and YAML reviewable. */
export const MAX_SUBSETS = 32;
export const MAX_VERSIONS = 16;
/** Header matches per sandbox branch; each carries a CEL rule, so the map must be bounded. */
export const MAX_BRANCH_HEADERS = 16;

export const PROTOCOLS = ['http', 'http2', 'grpc', 'tcp'] as const;

/** How a sandbox branch is recognised on requests that do not come from a sidecar with its label. */
export const branchMatch = z.object({
  /** Header matches (all must hold), e.g. `{x-branch: {exact: box-123}}`. */
  headers: z.record(z.string().min(1).max(256), stringMatch).optional().meta({ maxProperties: MAX_BRANCH_HEADERS }),
  /** Also match a W3C `baggage` header carrying `<branchLabel>=<branch>` (how "lanes" propagate). */
  baggage: z.boolean().optional(),
});

const versionName = z.string().min(1).max(63).regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'must be a label value');

export const routerSubset = z
  .object({
    /** Value of the branch pod label, e.g. `master` or `box-0999`. */
    branch: z.string().min(1).max(40).regex(DNS_LABEL, 'must be a lowercase RFC 1123 label'),
    /** Marks the default (main) branch; when no branch is marked, the first one is the default. */
    default: z.boolean().optional(),
    /** Version label value → weight (0–100, summing to 100). Absent: every pod of the branch. */
    versions: z
      .record(versionName, z.number().int().min(0).max(100))
      .optional()
      .meta({ maxProperties: MAX_VERSIONS }),
    /** Header/baggage match for a sandbox branch, so gateway traffic can be steered too. */
    match: branchMatch.optional(),
  })
  .superRefine((s, ctx) => {
    if (!s.versions) return;
    const weights = Object.values(s.versions);
    const sum = weights.reduce((a, b) => a + b, 0);
    if (weights.length > 0 && sum !== 100) {
      ctx.addIssue({ code: 'custom', path: ['versions'], message: `weights of branch ${s.branch} must sum to 100 (got ${sum})` });
    }
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: '!has(self.versions) || size(self.versions) == 0 || self.versions.map(k, self.versions[k]).sum() == 100',
        // format(), not `+ string(int)`: the API server costs a concatenated string(int) as
        // unbounded, which exceeds the CRD's CEL budget (here once per list item, too).
        messageExpression:
          "'weights of branch %s must sum to 100 (got %d)'.format([self.branch, self.versions.map(k, self.versions[k]).sum()])",
        fieldPath: '.versions',
        reason: 'FieldValueInvalid',
      },
    ],
  });
export type RouterSubset = z.infer<typeof routerSubset>;

export const propagation = z.object({
  /** `settle`: wait a fixed delay after each step (default). `verified`: ask istiod/proxies. */
  mode: z.enum(['settle', 'verified']).optional(),
  /** Delay after each step in settle mode (default 5s, the Istio docs' advice). */
  settleDelay: duration.optional(),
  /** Longest wait for a step to be confirmed before it is reported and retried (default 60s). */
  timeout: duration.optional(),
});

export const routerSpec = z
  .object({
    /** Service port the routes apply to. */
    port: z.number().int().min(1).max(65535),
    /** Port protocol (default http). `tcp` routes by weight only: no header or sandbox matches. */
    protocol: z.enum(PROTOCOLS).optional(),
    /** Pod port the Service targets, when Switchyard owns the Service (default: `port`). */
    targetPort: z.number().int().min(1).max(65535).optional(),
    /** Host override (default `<name>.<namespace>.svc.cluster.local`). */
    host: z.string().min(1).max(253).optional(),
    /** Gateways (`namespace/name`) that also route to this service; `mesh` is added for sidecars. */
    gateways: z.array(z.string().min(1).max(253)).max(16).optional(),
    /** Pod label keys carrying the branch and version (default `branch`, `version`). */
    labelKeys: z
      .object({ branch: z.string().min(1).max(317).optional(), version: z.string().min(1).max(317).optional() })
      .optional(),
    /** Extra pod labels every subset selects on, e.g. `{app: reviews}` (default `{app: <name>}`). */
    selector: z.record(z.string().max(317), z.string().max(63)).optional(),
    /** Branches; the default one carries the canary, the others are sandboxes. */
    subsets: z.array(routerSubset).min(1).max(MAX_SUBSETS),
    /** DestinationRule traffic policy for every subset (Istio `TrafficPolicy`). */
    trafficPolicy: freeForm.optional(),
    propagation: propagation.optional(),
    /** Whether Switchyard creates and owns the Kubernetes Service (default false). */
    ownService: z.boolean().optional(),
    /** Take over an existing VirtualService/DestinationRule/Service of the same name. */
    adopt: z.boolean().optional(),
    /**
     * Walk the default branch's weights to the declared ones by steps, with analysis on
     * Prometheus between steps and automatic rollback (absent: weight edits apply at once).
     */
    progression: progression.optional(),
  })
  .superRefine((spec, ctx) => {
    const seen = new Set<string>();
    spec.subsets.forEach((s, i) => {
      if (seen.has(s.branch)) ctx.addIssue({ code: 'custom', path: ['subsets', i, 'branch'], message: `branch names must be unique (duplicate ${s.branch})` });
      seen.add(s.branch);
    });
    const marked = spec.subsets.filter((s) => s.default === true).length;
    if (marked > 1) ctx.addIssue({ code: 'custom', path: ['subsets'], message: `at most one branch may be marked default (got ${marked})` });
    const main = spec.subsets.find((s) => s.default === true) ?? spec.subsets[0];
    if (spec.progression && Object.keys(main?.versions ?? {}).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['progression'], message: `progression walks the default branch's versions: branch ${main?.branch ?? ''} has none` });
    }
    if (spec.protocol === 'tcp' && spec.subsets.some((s) => s.match)) {
      ctx.addIssue({ code: 'custom', path: ['subsets'], message: 'header/baggage matches need protocol http, http2 or grpc (got tcp)' });
    }
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: 'self.subsets.all(a, self.subsets.exists_one(b, b.branch == a.branch))',
        message: 'branch names must be unique',
        // No `reason: FieldValueDuplicate`: the API server then reports a bare "Duplicate value"
        // and drops this message.
        fieldPath: '.subsets',
      },
      {
        rule: 'self.subsets.filter(s, has(s.default) && s.default).size() <= 1',
        messageExpression:
          "'at most one branch may be marked default (got %d)'.format([self.subsets.filter(s, has(s.default) && s.default).size()])",
        fieldPath: '.subsets',
      },
      {
        rule:
          '!has(self.progression) || (self.subsets.exists(s, has(s.default) && s.default) ? self.subsets.exists(s, has(s.default) && s.default && has(s.versions) && size(s.versions) > 0) : (has(self.subsets[0].versions) && size(self.subsets[0].versions) > 0))',
        message: "progression walks the default branch's versions: it has none",
        fieldPath: '.progression',
      },
      {
        rule: "!has(self.protocol) || self.protocol != 'tcp' || self.subsets.all(s, !has(s.match))",
        message: 'header/baggage matches need protocol http, http2 or grpc (got tcp)',
        fieldPath: '.subsets',
      },
    ],
  });
export type RouterSpec = z.infer<typeof routerSpec>;

export const PLAN_ACTIONS = ['apply-union-destination-rule', 'apply-virtual-service', 'apply-pruned-destination-rule', 'apply-service'] as const;

export const routerStatus = z.object({
  /** The generation the status describes (kstatus compares it with metadata.generation). */
  observedGeneration: z.number().int().min(0).optional(),
  conditions: conditions.optional(),
  /** Ready, Progressing, Degraded, Conflict or Invalid. */
  phase: z.string().optional(),
  /** Weights of the default branch as `v1=90,v2=10` (shown by `kubectl get`). */
  weights: z.string().optional(),
  /** Sandbox branch names, comma separated (shown by `kubectl get`). */
  sandboxes: z.string().optional(),
  /** The make-before-break step in progress, if any. */
  step: z
    .object({
      number: z.number().int(),
      total: z.number().int(),
      action: z.enum(PLAN_ACTIONS),
      kind: z.string(),
      name: z.string(),
      startedAt: z.string().optional(),
      /** Proxies confirmed / proxies checked in verified mode. */
      confirmedProxies: z.number().int().optional(),
      checkedProxies: z.number().int().optional(),
      message: z.string().optional(),
    })
    .optional(),
  generated: z.array(generatedRef).optional(),
  /** The canary walk, when `spec.progression` is set. */
  progression: progressionStatus.optional(),
});
export type RouterStatus = z.infer<typeof routerStatus>;

export const router = z.object({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('Router'),
  metadata: objectMeta,
  spec: routerSpec,
  status: routerStatus.optional(),
});
export type Router = z.infer<typeof router>;
