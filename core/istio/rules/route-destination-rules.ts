/**
 * Rules on route destinations and header operations (istio/istio pkg/config/validation:
 * validateHTTPRouteDestinations, validateRouteDestinations, validateDestination, validateWeight,
 * and the header manipulation checks of validateHTTPRoute).
 */
import { headerOperationRule, headerValueRule, requestHeaderSetRule } from './headers.ts';
import { destinationHostRule, subsetNameRule } from './names.ts';
import type { ReportProblem } from './rule-problem.ts';
import { entriesOf, fieldPath, isRecord, recordsOf, stringsOf } from './walk.ts';

const MAX_PORT = 65535;
const ALL_ZERO = 'the weights of a route with several destinations must not all be 0 (istiod: total destination weight = 0)';

/** A Destination (route, mirror): a host naming a service, a DNS-1123 subset name, a port in range. */
export function destinationProblems(destination: unknown, path: string, report: ReportProblem): void {
  if (!isRecord(destination)) return;
  const { host, subset, port } = destination;
  if (typeof host === 'string') report(fieldPath(path, 'host'), destinationHostRule(host), host);
  // An empty subset means "no subset": the whole service.
  if (typeof subset === 'string' && subset !== '') report(fieldPath(path, 'subset'), subsetNameRule(subset), subset);
  const number = isRecord(port) ? port.number : undefined;
  if (typeof number === 'number' && (number < 1 || number > MAX_PORT)) {
    report(fieldPath(fieldPath(path, 'port'), 'number'), `a port must be between 1 and ${MAX_PORT}`, number);
  }
}

/** `headers.request` / `headers.response` of a route or of one destination. */
export function headerOperationProblems(headers: unknown, path: string, report: ReportProblem): void {
  if (!isRecord(headers)) return;
  for (const side of ['request', 'response'] as const) {
    const ops = headers[side];
    if (!isRecord(ops)) continue;
    const base = fieldPath(path, side);
    for (const op of ['set', 'add']) {
      for (const [name, value] of entriesOf(ops[op])) {
        const at = fieldPath(fieldPath(base, op), name);
        report(at, side === 'request' ? requestHeaderSetRule(name) : headerOperationRule(name), name);
        if (typeof value === 'string') report(at, headerValueRule(value), value);
      }
    }
    for (const [i, name] of stringsOf(ops.remove)) report(`${fieldPath(base, 'remove')}[${i}]`, headerOperationRule(name), name);
  }
}

/**
 * The destinations of one HTTP, TCP or TLS route: each valid, weights at least 0, and with more
 * than one destination not all weights 0 (an absent weight counts as 0).
 */
export function routeDestinationProblems(route: unknown, path: string, report: ReportProblem): void {
  const destinations = recordsOf(route);
  let total = 0;
  for (const [i, d] of destinations) {
    const at = `${path}[${i}]`;
    destinationProblems(d.destination, fieldPath(at, 'destination'), report);
    headerOperationProblems(d.headers, fieldPath(at, 'headers'), report);
    if (typeof d.weight !== 'number') continue;
    if (d.weight < 0) report(fieldPath(at, 'weight'), 'a weight must be at least 0', d.weight);
    total += d.weight;
  }
  if (destinations.length > 1 && total === 0) report(path, ALL_ZERO, destinations.map(([, d]) => d.weight ?? 0));
}
