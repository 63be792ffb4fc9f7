import type { z } from 'zod';
import { istioFilter, istioFilterSpec, istioFilterStatus } from './istio-filter.ts';
import { rateLimit, rateLimitSpec, rateLimitStatus } from './rate-limit.ts';
import { router, routerSpec, routerStatus } from './router.ts';

/** Everything the CRD generator and the validators need to know about one kind. */
export interface KindInfo {
  kind: 'Router' | 'IstioFilter' | 'RateLimit';
  plural: string;
  singular: string;
  shortNames: string[];
  schema: z.ZodType;
  spec: z.ZodType;
  status: z.ZodType;
  printerColumns: { name: string; type: string; jsonPath: string; description?: string; priority?: number }[];
}

const age = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export const KINDS: readonly KindInfo[] = [
  {
    kind: 'Router',
    plural: 'routers',
    singular: 'router',
    shortNames: ['rt'],
    schema: router,
    spec: routerSpec,
    status: routerStatus,
    printerColumns: [
      { name: 'Weights', type: 'string', jsonPath: '.status.weights', description: 'Weights of the default branch' },
      { name: 'Sandboxes', type: 'string', jsonPath: '.status.sandboxes', description: 'Sandbox branches' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Progression', type: 'string', jsonPath: '.status.progression.phase', description: 'Phase of the canary walk (spec.progression)' },
      { name: 'Canary', type: 'integer', jsonPath: '.status.progression.canaryWeight', description: "The walk step's share of the way, in %" },
      { name: 'Walk', type: 'integer', jsonPath: '.status.progression.step', description: 'Step of the walk in progress', priority: 1 },
      { name: 'Next', type: 'date', jsonPath: '.status.progression.nextStepAt', description: 'When the analysis of this step ends', priority: 1 },
      { name: 'Step', type: 'string', jsonPath: '.status.step.action', priority: 1 },
      { name: 'Confirmed', type: 'integer', jsonPath: '.status.step.confirmedProxies', description: 'Proxies that confirmed the step (verified propagation)', priority: 1 },
      { name: 'Checked', type: 'integer', jsonPath: '.status.step.checkedProxies', description: 'Proxies routing to the service that were checked', priority: 1 },
      age,
    ],
  },
  {
    kind: 'IstioFilter',
    plural: 'istiofilters',
    singular: 'istiofilter',
    shortNames: ['isf'],
    schema: istioFilter,
    spec: istioFilterSpec,
    status: istioFilterStatus,
    printerColumns: [
      { name: 'Router', type: 'string', jsonPath: '.spec.target.router' },
      { name: 'Priority', type: 'integer', jsonPath: '.spec.priority' },
      { name: 'Position', type: 'integer', jsonPath: '.status.position' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      { name: 'Expires', type: 'date', jsonPath: '.spec.expiresAt', priority: 1 },
      age,
    ],
  },
  {
    kind: 'RateLimit',
    plural: 'ratelimits',
    singular: 'ratelimit',
    shortNames: ['rl'],
    schema: rateLimit,
    spec: rateLimitSpec,
    status: rateLimitStatus,
    printerColumns: [
      { name: 'Mode', type: 'string', jsonPath: '.spec.mode' },
      { name: 'Quota', type: 'integer', jsonPath: '.spec.quota' },
      { name: 'Unit', type: 'string', jsonPath: '.spec.unit' },
      { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
      age,
    ],
  },
];
