/**
 * Rules on an HTTPMatchRequest (istio/istio pkg/config/validation/virtualservice.go:
 * validateHTTPRouteMatchRequest, validateStringMatch, validateStringRegexp) and on the L4 match
 * of TCP/TLS routes (validateTCPMatch).
 */
import { matchHeaderNameRule } from './headers.ts';
import { gatewayNameRule, labelKeyRule, labelValueRule } from './names.ts';
import { re2Rule } from './regex.ts';
import type { ReportProblem } from './rule-problem.ts';
import { entriesOf, fieldPath, isRecord, stringsOf, type Fields } from './walk.ts';

const MAX_PORT = 65535;
const EMPTY_PREFIX = 'a prefix match must not be empty';

export interface MatchContext {
  /** The VirtualService applies to sidecars (no gateways, or `mesh` among them). */
  boundToMesh: boolean;
}

interface StringMatchOptions {
  /** Envoy refuses an empty prefix everywhere but the URI. */
  prefixRequired: boolean;
  /** In `withoutHeaders`, regex `*` means "header present", not a regex. */
  starIsPresence?: boolean;
}

/** A StringMatch: its regex compiles under RE2, its prefix is not empty where Envoy needs one. */
export function stringMatchProblems(match: unknown, path: string, options: StringMatchOptions, report: ReportProblem): void {
  if (!isRecord(match)) return;
  if (typeof match.regex === 'string' && !(options.starIsPresence === true && match.regex === '*')) {
    report(fieldPath(path, 'regex'), re2Rule(match.regex), match.regex);
  }
  if (options.prefixRequired && match.prefix === '') report(fieldPath(path, 'prefix'), EMPTY_PREFIX, match.prefix);
}

function headerMatchProblems(headers: unknown, path: string, ctx: MatchContext, without: boolean, report: ReportProblem): void {
  for (const [name, match] of entriesOf(headers)) {
    const at = fieldPath(path, name);
    report(at, matchHeaderNameRule(name, ctx.boundToMesh), name);
    stringMatchProblems(match, at, { prefixRequired: true, starIsPresence: without }, report);
  }
}

/** Source labels are pod labels of the callers: label keys and values. */
export function labelProblems(labels: unknown, path: string, report: ReportProblem): void {
  for (const [key, value] of entriesOf(labels)) {
    const at = fieldPath(path, key);
    report(at, labelKeyRule(key), key);
    if (typeof value === 'string') report(at, labelValueRule(value), value);
  }
}

/** What HTTP, TCP and TLS matches share: port, sourceLabels, gateways. */
export function l4MatchProblems(match: Fields, path: string, report: ReportProblem): void {
  const port = match.port;
  if (typeof port === 'number' && port !== 0 && (port < 1 || port > MAX_PORT)) {
    report(fieldPath(path, 'port'), `a port must be between 1 and ${MAX_PORT}`, port);
  }
  labelProblems(match.sourceLabels, fieldPath(path, 'sourceLabels'), report);
  for (const [i, gateway] of stringsOf(match.gateways)) report(`${fieldPath(path, 'gateways')}[${i}]`, gatewayNameRule(gateway), gateway);
}

/** One HTTPMatchRequest of a route. */
export function httpMatchProblems(match: Fields, path: string, ctx: MatchContext, report: ReportProblem): void {
  headerMatchProblems(match.headers, fieldPath(path, 'headers'), ctx, false, report);
  headerMatchProblems(match.withoutHeaders, fieldPath(path, 'withoutHeaders'), ctx, true, report);
  // Envoy accepts an empty URI prefix (it matches every path), not an empty scheme/method/authority one.
  stringMatchProblems(match.uri, fieldPath(path, 'uri'), { prefixRequired: false }, report);
  for (const field of ['scheme', 'method', 'authority']) stringMatchProblems(match[field], fieldPath(path, field), { prefixRequired: true }, report);
  for (const [name, param] of entriesOf(match.queryParams)) {
    stringMatchProblems(param, fieldPath(fieldPath(path, 'queryParams'), name), { prefixRequired: true }, report);
  }
  l4MatchProblems(match, path, report);
}
