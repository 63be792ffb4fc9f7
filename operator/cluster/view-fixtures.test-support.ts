// Routers and IstioFilters as the API server returns them, for the view and text tests.
import type { ClusterObject } from './router-view.ts';

export const NS = 'shop';

/** A Router walking v1 → v2 (step 1/3 at 20%), its VS step in progress in verified mode, a sandbox. */
export function walkingRouter(): ClusterObject {
  return {
    apiVersion: 'switchyard.io/v1alpha1',
    kind: 'Router',
    metadata: { name: 'reviews', namespace: NS, generation: 4, resourceVersion: '812', creationTimestamp: '2026-01-01T10:00:00Z', annotations: { 'switchyard.io/progression': 'pause@abc' } },
    spec: {
      port: 9080,
      propagation: { mode: 'verified' },
      subsets: [
        { branch: 'main', versions: { v1: 50, v2: 50 } },
        { branch: 'box-1', match: { headers: { 'x-branch': { exact: 'box-1' } }, baggage: true } },
      ],
      progression: { steps: [20, 50], interval: '30s', pauseAt: [50], analysis: [{ name: 'success', query: 'ok_ratio', min: 99 }] },
    },
    status: {
      observedGeneration: 4,
      phase: 'Progressing',
      weights: 'v1=90,v2=10',
      sandboxes: 'box-1',
      step: { number: 2, total: 3, action: 'apply-virtual-service', kind: 'VirtualService', name: 'reviews', startedAt: '2026-01-01T10:05:00Z', confirmedProxies: 2, checkedProxies: 3 },
      progression: {
        phase: 'Progressing',
        promoted: { v1: 100, v2: 0 },
        target: { v1: 50, v2: 50 },
        from: { v1: 100, v2: 0 },
        current: { v1: 90, v2: 10 },
        step: 1,
        steps: 3,
        canaryWeight: 20,
        stepStartedAt: '2026-01-01T10:05:00Z',
        nextStepAt: '2026-01-01T10:05:30Z',
        failures: 1,
        unknowns: 0,
        checks: [{ name: 'success', verdict: 'Fail', value: 97.25, threshold: '>= 99', at: '2026-01-01T10:05:00Z' }],
        message: 'step 1/3 live',
        command: 'resume@xyz',
      },
      conditions: [
        { type: 'Ready', status: 'False', reason: 'Walking', message: 'canary walk step 1/3', lastTransitionTime: '2026-01-01T10:05:00Z' },
        { type: 'Progressing', status: 'True', reason: 'Walking', message: 'canary walk step 1/3', lastTransitionTime: '2026-01-01T10:05:00Z' },
      ],
      generated: [
        { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', name: 'reviews', namespace: NS },
        { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', name: 'reviews', namespace: NS },
      ],
    },
  };
}

export function filterObject(name: string, spec: Record<string, unknown>, extra: { namespace?: string; created?: string; status?: Record<string, unknown> } = {}): ClusterObject {
  return {
    apiVersion: 'switchyard.io/v1alpha1',
    kind: 'IstioFilter',
    metadata: { name, namespace: extra.namespace ?? NS, generation: 1, creationTimestamp: extra.created ?? '2026-01-01T09:00:00Z' },
    spec,
    ...(extra.status === undefined ? {} : { status: extra.status }),
  };
}

/** Four filters of the namespace targeting reviews (by name and by host) in scrambled order, and two that do not. */
export function namespaceFilters(): ClusterObject[] {
  return [
    filterObject('retries', { target: { router: 'reviews' }, priority: 10, patches: [{ retries: { attempts: 3 } }] }, { status: { phase: 'Applied', position: 3, chainLength: 3, patches: [{ index: 0, type: 'retries', applied: true }] } }),
    filterObject('other-router', { target: { router: 'ratings' }, patches: [{ timeout: '1s' }] }),
    filterObject('chaos', { target: { host: 'reviews.shop.svc.cluster.local' }, priority: -5, expiresAt: '2026-01-01T11:00:00Z', patches: [{ fault: { abort: { httpStatus: 503, percentage: 5 } } }] }, { status: { phase: 'Applied', patches: [{ index: 0, type: 'fault', applied: true }] } }),
    filterObject('late-timeout', { target: { router: 'reviews' }, patches: [{ timeout: '2s' }] }, { created: '2026-01-01T09:30:00Z' }),
    filterObject('early-cors', { target: { router: 'reviews' }, patches: [{ corsPolicy: { allowOrigins: [{ exact: 'x' }] } }, { jsonPatch: { target: 'VirtualService', ops: [{ op: 'add', path: '/spec/x', value: 1 }] } }] }, {
      status: { phase: 'Skipped', message: 'skipped: patch 1 (jsonPatch) failed: bad path', patches: [{ index: 0, type: 'corsPolicy', applied: false, reason: 'rolled back' }, { index: 1, type: 'jsonPatch', applied: false, reason: 'bad path' }] },
    }),
    filterObject('elsewhere', { target: { router: 'reviews' }, patches: [{ timeout: '1s' }] }, { namespace: 'other' }),
  ];
}
