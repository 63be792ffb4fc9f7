import { filtersTargeting } from '../core/filters/filters-targeting.ts';
import { layerFilters, type FilterResult } from '../core/filters/layer-filters.ts';
import type { RenderedObject } from '../core/istio/types.ts';
import { renderRouter } from '../core/router/render-router.ts';
import { renderRateLimit, defaultRenderOptions } from '../core/ratelimit/render-rate-limit.ts';
import { findHostBackends, HostUnresolvedError } from '../core/ratelimit/host-backends.ts';
import type { Resources } from './classify.ts';

/** Everything `switchyard render` produces for a set of resources. */
export interface RenderOutput {
  objects: RenderedObject[];
  filterResults: FilterResult[];
  /** Filters whose target matches no Router in the input. */
  orphanFilters: string[];
  /**
   * RateLimits named by hosts that no Router in the input serves: the controller would report them
   * Pending and apply nothing, so nothing is rendered for them either (`Kind namespace/name`, reason).
   */
  pendingRateLimits: { resource: string; reason: string }[];
  /** Render errors, keyed by where the resource was read and what it is: `file#doc: Kind namespace/name`. */
  errors: { resource: string; message: string }[];
}

/** `file#doc: Kind namespace/name`, or just the kind and name when the origin is unknown. */
function resourceName(resources: Resources, object: { kind: string; metadata: { name: string; namespace?: string } }): string {
  const id = `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`;
  const origin = resources.origins.get(object);
  return origin === undefined ? id : `${origin}: ${id}`;
}

/**
 * Renders Routers (with their filters layered) and RateLimits; errors are collected, not thrown.
 * A Router that cannot be rendered (its own spec breaks a rule) is an error of the Router alone:
 * its filters are neither layered nor reported Skipped for it, nor orphaned.
 */
export function renderAll(resources: Resources, now: Date): RenderOutput {
  const out: RenderOutput = { objects: [], filterResults: [], orphanFilters: [], pendingRateLimits: [], errors: [] };
  const claimed = new Set<string>();
  for (const router of resources.routers) {
    const filters = filtersTargeting(router, resources.filters);
    for (const f of filters) claimed.add(`${f.metadata.namespace}/${f.metadata.name}`);
    try {
      const base = renderRouter(router);
      const layered = layerFilters(base, filters, now);
      if (base.service) out.objects.push(base.service);
      out.objects.push(layered.destinationRule, layered.virtualService);
      out.filterResults.push(...layered.results);
    } catch (err) {
      out.errors.push({ resource: resourceName(resources, router), message: (err as Error).message });
    }
  }
  for (const f of resources.filters) {
    const key = `${f.metadata.namespace}/${f.metadata.name}`;
    if (!claimed.has(key)) out.orphanFilters.push(key);
  }
  for (const rl of resources.rateLimits) {
    try {
      // As the controller does: a hosts-only RateLimit limits the pods behind its host (a Router of the input).
      const backends = findHostBackends(rl, { routers: resources.routers, services: [] });
      out.objects.push(...renderRateLimit(rl, defaultRenderOptions, backends));
    } catch (err) {
      if (err instanceof HostUnresolvedError) {
        out.pendingRateLimits.push({ resource: `${rl.metadata.namespace}/${rl.metadata.name}`, reason: err.message });
        continue;
      }
      out.errors.push({ resource: resourceName(resources, rl), message: (err as Error).message });
    }
  }
  return out;
}
