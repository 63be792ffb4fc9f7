import type { Destination, VirtualService } from '../istio/types.ts';

/** The route kinds of a VirtualService whose entries carry `route[].destination`. */
const ROUTE_LISTS = ['http', 'tcp', 'tls'] as const;

/**
 * Every subset a VirtualService sends to: route destinations of its http, tcp and tls routes plus
 * http `mirror` and `mirrors[]` destinations. Sorted and unique.
 *
 * With `host`, only destinations of that host count; a short destination host (`reviews`,
 * `reviews.ns`) counts when `host` starts with it followed by a dot — over-counting only makes the
 * planner keep a subset one step longer, under-counting would drop one still in use.
 */
export function referencedSubsets(vs: VirtualService, host?: string): string[] {
  const found = new Set<string>();
  const visit = (d: Destination | undefined): void => {
    if (d?.subset !== undefined && (host === undefined || sameHost(d.host, host))) found.add(d.subset);
  };
  for (const list of ROUTE_LISTS) {
    const routes = vs.spec[list];
    if (!Array.isArray(routes)) continue;
    for (const route of routes as { route?: { destination?: Destination }[]; mirror?: Destination; mirrors?: { destination?: Destination }[] }[]) {
      for (const r of route.route ?? []) visit(r.destination);
      visit(route.mirror);
      for (const m of route.mirrors ?? []) visit(m.destination);
    }
  }
  return [...found].sort();
}

function sameHost(destinationHost: string, host: string): boolean {
  return destinationHost === host || host.startsWith(`${destinationHost}.`);
}
