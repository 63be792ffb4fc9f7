/** Small hand-built Router objects and filters for the layering tests (no renderer needed). */
import { API_VERSION } from '../../api/meta.ts';
import type { FilterPatch, IstioFilter, IstioFilterSpec } from '../../api/istio-filter.ts';
import { ISTIO_NETWORKING } from '../istio/types.ts';
import type { DestinationRule, VirtualService } from '../istio/types.ts';

export const HOST = 'reviews.shop.svc.cluster.local';

/** A sandbox route (`box-0999`) before the default branch's 90/10 canary (`master`). */
export function baseVirtualService(): VirtualService {
  return {
    apiVersion: ISTIO_NETWORKING,
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      hosts: [HOST],
      gateways: ['mesh'],
      http: [
        {
          name: 'box-0999',
          match: [{ sourceLabels: { branch: 'box-0999' } }],
          route: [{ destination: { host: HOST, subset: 'box-0999' } }],
        },
        {
          name: 'master',
          route: [
            { destination: { host: HOST, subset: 'master-v1-0-1' }, weight: 90 },
            { destination: { host: HOST, subset: 'master-v1-0-2' }, weight: 10 },
          ],
        },
      ],
    },
  };
}

export function baseDestinationRule(): DestinationRule {
  return {
    apiVersion: ISTIO_NETWORKING,
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'shop' },
    spec: {
      host: HOST,
      subsets: [
        { name: 'box-0999', labels: { app: 'reviews', branch: 'box-0999' } },
        { name: 'master-v1-0-1', labels: { app: 'reviews', branch: 'master', version: 'v1.0.1' } },
        { name: 'master-v1-0-2', labels: { app: 'reviews', branch: 'master', version: 'v1.0.2' } },
      ],
    },
  };
}

export function base(): { virtualService: VirtualService; destinationRule: DestinationRule } {
  return { virtualService: baseVirtualService(), destinationRule: baseDestinationRule() };
}

export interface FilterOptions extends Partial<Omit<IstioFilterSpec, 'patches'>> {
  namespace?: string;
  creationTimestamp?: string;
}

/** An IstioFilter on the `reviews` Router in `shop` (override namespace, target, priority …). */
export function filter(name: string, patches: FilterPatch[], options: FilterOptions = {}): IstioFilter {
  const { namespace = 'shop', creationTimestamp, target = { router: 'reviews' }, ...spec } = options;
  return {
    apiVersion: API_VERSION,
    kind: 'IstioFilter',
    metadata: { name, namespace, ...(creationTimestamp !== undefined ? { creationTimestamp } : {}) },
    spec: { target, ...spec, patches },
  };
}

/** Freezes a value deeply, so any mutation by the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export const NOW = new Date('2030-01-01T12:00:00Z');
