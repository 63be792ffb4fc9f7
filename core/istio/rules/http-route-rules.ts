/**
 * Rules on one HTTPRoute (istio/istio pkg/config/validation/virtualservice.go validateHTTPRoute,
 * validateHTTPRouteConflict; validation.go validateHTTPRetry, validateCORSPolicy,
 * validateHTTPMirrors, validateURIRegexRewrite).
 */
import { routeDurationRule } from './duration.ts';
import { httpMatchProblems, stringMatchProblems, type MatchContext } from './http-match-rules.ts';
import { destinationProblems, headerOperationProblems, routeDestinationProblems } from './route-destination-rules.ts';
import { re2Rule } from './regex.ts';
import { isRetryOnPolicy } from './retry-on.ts';
import type { ReportProblem } from './rule-problem.ts';
import { fieldPath, isRecord, recordsOf, type Fields } from './walk.ts';

const NO_ACTION = 'an HTTP route needs destinations (route), a redirect or a directResponse';
const DISABLED_RETRIES = 'retries with attempts 0 (retrying disabled) must not set perTryTimeout, retryOn or retryRemoteLocalities';

function hasDestinations(route: Fields): boolean {
  return Array.isArray(route.route) && route.route.length > 0;
}

function actionProblems(route: Fields, path: string, report: ReportProblem): void {
  const acts = hasDestinations(route) || route.redirect !== undefined || route.directResponse !== undefined || route.delegate !== undefined;
  if (!acts) report(fieldPath(path, 'route'), NO_ACTION, route.route);
}

function retriesProblems(retries: unknown, path: string, report: ReportProblem): void {
  if (!isRecord(retries)) return;
  const configured = ['perTryTimeout', 'retryOn', 'retryRemoteLocalities'].some((f) => retries[f] !== undefined);
  if (retries.attempts === 0 && configured) report(fieldPath(path, 'attempts'), DISABLED_RETRIES, retries.attempts);
  for (const field of ['perTryTimeout', 'backoff']) {
    if (retries[field] !== undefined) report(fieldPath(path, field), routeDurationRule(retries[field]), retries[field]);
  }
  if (typeof retries.retryOn !== 'string' || retries.retryOn === '') return;
  const unknown = retries.retryOn.split(',').find((policy) => !isRetryOnPolicy(policy));
  if (unknown !== undefined) {
    report(fieldPath(path, 'retryOn'), `"${unknown}" is neither a retry policy Envoy knows (5xx, gateway-error, connect-failure, …) nor an HTTP status code`, retries.retryOn);
  }
}

function durationProblems(route: Fields, path: string, report: ReportProblem): void {
  if (route.timeout !== undefined) report(fieldPath(path, 'timeout'), routeDurationRule(route.timeout), route.timeout);
  const delay = isRecord(route.fault) && isRecord(route.fault.delay) ? route.fault.delay : undefined;
  if (delay?.fixedDelay !== undefined) {
    report(`${path}.fault.delay.fixedDelay`, routeDurationRule(delay.fixedDelay), delay.fixedDelay);
  }
}

function mirrorProblems(route: Fields, path: string, report: ReportProblem): void {
  destinationProblems(route.mirror, fieldPath(path, 'mirror'), report);
  for (const [i, mirror] of recordsOf(route.mirrors)) destinationProblems(mirror.destination, `${fieldPath(path, 'mirrors')}[${i}].destination`, report);
}

function regexFieldProblems(route: Fields, path: string, report: ReportProblem): void {
  const cors = isRecord(route.corsPolicy) ? route.corsPolicy : {};
  for (const [i, origin] of recordsOf(cors.allowOrigins)) {
    stringMatchProblems(origin, `${path}.corsPolicy.allowOrigins[${i}]`, { prefixRequired: false }, report);
  }
  const rewrite = isRecord(route.rewrite) && isRecord(route.rewrite.uriRegexRewrite) ? route.rewrite.uriRegexRewrite : undefined;
  if (typeof rewrite?.match === 'string') report(`${path}.rewrite.uriRegexRewrite.match`, re2Rule(rewrite.match), rewrite.match);
}

/** Every rule on one HTTP route at `path` (`spec.http[2]`). */
export function httpRouteProblems(route: Fields, path: string, ctx: MatchContext, report: ReportProblem): void {
  actionProblems(route, path, report);
  for (const [i, match] of recordsOf(route.match)) httpMatchProblems(match, `${fieldPath(path, 'match')}[${i}]`, ctx, report);
  headerOperationProblems(route.headers, fieldPath(path, 'headers'), report);
  routeDestinationProblems(route.route, fieldPath(path, 'route'), report);
  mirrorProblems(route, path, report);
  durationProblems(route, path, report);
  retriesProblems(route.retries, fieldPath(path, 'retries'), report);
  regexFieldProblems(route, path, report);
}
