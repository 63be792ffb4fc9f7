import { z } from 'zod';

/** API group and version of every Switchyard kind. */
export const GROUP = 'switchyard.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/**
 * Namespace of an object whose metadata names none, as Kubernetes and kubectl assume: the Routers,
 * IstioFilters and RateLimits read from files (`switchyard -n` defaults to it) and any object
 * whose key or targeting needs a namespace. Defined in lib/ so the runtime shares the one spelling.
 */
export { DEFAULT_NAMESPACE } from '../lib/default-namespace.ts';

/** Kubernetes object names (RFC 1123 subdomain) as the API server enforces them. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 1123 label: branch names become part of subset names and label values. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Namespaces are RFC 1123 labels, which Kubernetes bounds at 63 characters. */
export const MAX_NAMESPACE_LENGTH = 63;
/** Istio/protobuf duration as accepted by the Istio CRDs, e.g. `5s`, `0.5s`, `100ms`, `1h30m`. */
export const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

export const duration = z.string().max(32).regex(DURATION, 'must be a duration such as 5s, 250ms or 1m30s');
export const labelMap = z.record(z.string().max(317), z.string().max(63));

/** The part of ObjectMeta the renderers and controllers read. Unknown fields pass through. */
export const objectMeta = z.looseObject({
  name: z.string().min(1).max(253).regex(DNS_SUBDOMAIN, 'must be a lowercase RFC 1123 name'),
  namespace: z.string().max(MAX_NAMESPACE_LENGTH, `must be at most ${MAX_NAMESPACE_LENGTH} characters`).regex(DNS_LABEL, 'must be a lowercase RFC 1123 label').optional(),
  uid: z.string().optional(),
  generation: z.number().int().optional(),
  resourceVersion: z.string().optional(),
  creationTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ObjectMeta = z.infer<typeof objectMeta>;

/** A standard Kubernetes condition (metav1.Condition). */
export const condition = z.object({
  type: z.string().min(1).max(316),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().min(1).max(1024),
  message: z.string().max(32768),
  lastTransitionTime: z.string().meta({ format: 'date-time' }),
  observedGeneration: z.number().int().min(0).optional(),
});
export type Condition = z.infer<typeof condition>;

/**
 * `status.conditions` of every kind: `Ready`, `Reconciling` and `Stalled` first, as kstatus reads
 * them (Flux's health checks, `kubectl wait`), then the kind's own. A map keyed by `type`, as
 * metav1.Condition lists are, so a type appears once.
 */
export const conditions = z.array(condition).meta({
  description:
    'Ready (the spec of observedGeneration is live), Reconciling (on its way there by itself) and Stalled (cannot get there without a change), then kind-specific ones; each with observedGeneration',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
});

/** A reference to an object Switchyard generated. */
export const generatedRef = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
});
export type GeneratedRef = z.infer<typeof generatedRef>;

/** Match on a string value: exactly one of exact, prefix or regex (RE2). */
export const stringMatch = z
  .object({
    exact: z.string().max(1024).optional(),
    prefix: z.string().max(1024).optional(),
    regex: z.string().max(1024).optional(),
  })
  .superRefine((m, ctx) => {
    const set = [m.exact, m.prefix, m.regex].filter((v) => v !== undefined).length;
    if (set !== 1) ctx.addIssue({ code: 'custom', message: `exactly one of exact, prefix or regex must be set (got ${set})` });
  })
  .meta({
    'x-kubernetes-validations': [
      {
        rule: '[has(self.exact), has(self.prefix), has(self.regex)].filter(x, x).size() == 1',
        message: 'exactly one of exact, prefix or regex must be set',
      },
    ],
  });
export type StringMatch = z.infer<typeof stringMatch>;

/** Free-form object kept as written (validated later against the Istio schema of its target). */
export const freeForm = z.record(z.string(), z.unknown()).meta({ 'x-kubernetes-preserve-unknown-fields': true });
