import { qualifiedHost } from '../ratelimit/host-port.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, OWNER_LABEL } from '../istio/types.ts';
import type { LooseObject } from './types.ts';

/** One destination a VirtualService sends traffic to (routes and mirrors). */
export interface DestinationRef {
  /** e.g. `spec.http[1].route[0].destination`. */
  path: string;
  /** Qualified like Istio does for the VirtualService's namespace. */
  host: string;
  subset?: string;
  /** Share of the route's traffic: the weight, or 100 for a single unweighted destination; 0 for a mirror. */
  weight: number;
}

/** A destination host as Istio resolves it from a VirtualService in `namespace`: only a name without a dot is a Service of that namespace. */
export function resolvedHost(host: string, namespace: string): string {
  return qualifiedHost(host, namespace);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Every destination of a VirtualService's http, tcp and tls routes and http mirrors, read leniently. */
export function destinations(vs: LooseObject): DestinationRef[] {
  const spec = record(vs.spec) ?? {};
  const namespace = vs.metadata.namespace ?? 'default';
  const out: DestinationRef[] = [];
  const add = (path: string, destination: unknown, weight: number): void => {
    const d = record(destination);
    if (typeof d?.host !== 'string') return;
    out.push({ path, host: resolvedHost(d.host, namespace), ...(typeof d.subset === 'string' ? { subset: d.subset } : {}), weight });
  };
  for (const kind of ['http', 'tcp', 'tls']) {
    list(spec[kind]).forEach((route, i) => {
      const r = record(route) ?? {};
      const legs = list(r.route);
      legs.forEach((leg, j) => {
        const weight = record(leg)?.weight;
        add(`spec.${kind}[${i}].route[${j}].destination`, record(leg)?.destination, typeof weight === 'number' ? weight : legs.length === 1 ? 100 : 0);
      });
      if (r.mirror !== undefined) add(`spec.${kind}[${i}].mirror`, r.mirror, 0);
      list(r.mirrors).forEach((m, j) => add(`spec.${kind}[${i}].mirrors[${j}].destination`, record(m)?.destination, 0));
    });
  }
  return out;
}

/** The Router that generated an object (`switchyard.io/owner: router.<name>` with Switchyard's managed-by label). */
export function generatingRouter(obj: LooseObject): string | undefined {
  const labels = obj.metadata.labels ?? {};
  const owner = labels[OWNER_LABEL];
  if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE || !owner?.startsWith('router.')) return undefined;
  return owner.slice('router.'.length);
}

/** True when Switchyard neither manages nor owns the object. */
export function unowned(obj: LooseObject): boolean {
  const labels = obj.metadata.labels ?? {};
  return labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE && labels[OWNER_LABEL] === undefined;
}

/** A generated DestinationRule's subsets, read leniently. */
export function subsetsOf(dr: LooseObject): { index: number; name: string; labels: Record<string, string> }[] {
  const spec = record(dr.spec) ?? {};
  return list(spec.subsets).flatMap((s, index) => {
    const subset = record(s);
    if (typeof subset?.name !== 'string') return [];
    return [{ index, name: subset.name, labels: (record(subset.labels) ?? {}) as Record<string, string> }];
  });
}

export function hostOf(dr: LooseObject): string {
  const host = record(dr.spec)?.host;
  return typeof host === 'string' ? resolvedHost(host, dr.metadata.namespace ?? 'default') : '';
}

/** `{app: x, version: v1}` as `app=x,version=v1` (a label selector as kubectl takes it). */
export function selectorText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/** True when every label of `selector` is on the object. */
export function selects(selector: Record<string, string>, obj: LooseObject): boolean {
  const labels = obj.metadata.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
