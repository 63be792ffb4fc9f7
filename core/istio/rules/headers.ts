/**
 * Header rules of Istio's validating webhook (istio/istio pkg/config/validation:
 * ValidateHTTPHeaderNameOrJwtClaimRoute, ValidateHTTPHeaderWithAuthorityOperationName,
 * ValidateHTTPHeaderOperationName, ValidateHTTPHeaderValue). Each returns the rule broken, or
 * undefined. Operation names must also be HTTP tokens here, which istiod leaves to Envoy: a
 * header name with a space or a control character is never what a patch meant.
 */
import { envoyHeaderFormatRule } from './envoy-header-format.ts';

/** RFC 7230 token characters (Istio's validHeaderNameRegex). */
const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);
/** Istio routes on JWT claims through keys like `@request.auth.claims.group` (pkg/jwt ToRoutingClaim). */
const JWT_CLAIM = /^@request\.auth\.claims[.[]/;
/** Control characters istiod refuses in a header value: all but tab (httpHeaderValueRegexp). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000A-\u001F\u007F]/;

const EMPTY_NAME = 'a header name must not be empty';
const JWT_ON_MESH = 'JWT claim routing (@request.auth.claims…) works only on a VirtualService bound to gateways alone, not to the mesh';
const TOKEN_RULE = "must be an HTTP header name: letters, digits and !#$%&'*+-.^_`|~ only (no space, no control character)";

/**
 * A header name in a match (`headers`, `withoutHeaders`): a token, a pseudo-header, or a JWT claim
 * when the VirtualService is bound to gateways alone (istiod refuses claim routing on the mesh).
 */
export function matchHeaderNameRule(name: string, boundToMesh: boolean): string | undefined {
  if (name === '') return EMPTY_NAME;
  if (JWT_CLAIM.test(name)) return boundToMesh ? JWT_ON_MESH : undefined;
  return PSEUDO_HEADERS.has(name) || HEADER_TOKEN.test(name) ? undefined : TOKEN_RULE;
}

/** A header a route sets or adds on requests: no pseudo-header but `:authority` (which, like Host, rewrites the authority). */
export function requestHeaderSetRule(name: string): string | undefined {
  if (name === '') return EMPTY_NAME;
  const lower = name.toLowerCase();
  if (lower === ':authority') return undefined;
  if (lower.startsWith(':')) return 'must not be a pseudo-header (":" prefix) other than :authority';
  return HEADER_TOKEN.test(name) ? undefined : TOKEN_RULE;
}

/** A header removed from requests, or set, added or removed on responses: never Host or a pseudo-header. */
export function headerOperationRule(name: string): string | undefined {
  if (name === '') return EMPTY_NAME;
  if (name.toLowerCase() === 'host') return 'must not be Host (Envoy does not let a route change it here)';
  if (name.startsWith(':')) return 'must not be a pseudo-header (":" prefix)';
  return HEADER_TOKEN.test(name) ? undefined : TOKEN_RULE;
}

/** A header value a route sets or adds: no control character, and Envoy's `%VARIABLE%` syntax well formed. */
export function headerValueRule(value: string): string | undefined {
  if (CONTROL_CHARACTER.test(value)) return 'a header value must not contain control characters (tab aside)';
  const format = envoyHeaderFormatRule(value);
  return format && `must be an Envoy header value: ${format}`;
}
