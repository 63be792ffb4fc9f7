import { describe, expect, it } from 'vitest';
import { envoyHeaderFormatRule } from './envoy-header-format.ts';
import { headerOperationRule, headerValueRule, matchHeaderNameRule, requestHeaderSetRule } from './headers.ts';

const TOKEN_RULE = "must be an HTTP header name: letters, digits and !#$%&'*+-.^_`|~ only (no space, no control character)";

/** [rule, input, expected message or undefined]. */
const cases: [string, (v: string) => string | undefined, string, string | undefined][] = [
  ['match header name', (n) => matchHeaderNameRule(n, true), 'x-request-id', undefined],
  ['match header name', (n) => matchHeaderNameRule(n, true), 'X-Branch', undefined],
  ['match header name', (n) => matchHeaderNameRule(n, true), ':authority', undefined],
  ['match header name on gateways only', (n) => matchHeaderNameRule(n, false), '@request.auth.claims.group', undefined],
  ['match header name on the mesh', (n) => matchHeaderNameRule(n, true), '@request.auth.claims[group]', 'JWT claim routing (@request.auth.claims…) works only on a VirtualService bound to gateways alone, not to the mesh'],
  ['match header name', (n) => matchHeaderNameRule(n, true), 'x request', TOKEN_RULE],
  ['match header name', (n) => matchHeaderNameRule(n, true), 'x-id\n', TOKEN_RULE],
  ['match header name', (n) => matchHeaderNameRule(n, true), ':foo', TOKEN_RULE],
  ['match header name', (n) => matchHeaderNameRule(n, true), '', 'a header name must not be empty'],
  ['request header set/add', requestHeaderSetRule, 'x-debug', undefined],
  ['request header set/add', requestHeaderSetRule, ':authority', undefined],
  ['request header set/add', requestHeaderSetRule, 'Host', undefined],
  ['request header set/add', requestHeaderSetRule, ':path', 'must not be a pseudo-header (":" prefix) other than :authority'],
  ['request header set/add', requestHeaderSetRule, 'x debug', TOKEN_RULE],
  ['header remove / response header', headerOperationRule, 'x-powered-by', undefined],
  ['header remove / response header', headerOperationRule, 'host', 'must not be Host (Envoy does not let a route change it here)'],
  ['header remove / response header', headerOperationRule, ':status', 'must not be a pseudo-header (":" prefix)'],
  ['header remove / response header', headerOperationRule, 'x\tpowered', TOKEN_RULE],
  ['header value', headerValueRule, 'Bearer abc; q=0.9', undefined],
  ['header value', headerValueRule, 'tab\tis fine', undefined],
  ['header value', headerValueRule, '%HOSTNAME% and 100%%', undefined],
  ['header value', headerValueRule, 'line\nbreak', 'a header value must not contain control characters (tab aside)'],
  ['header value', headerValueRule, '50%', "must be an Envoy header value: an unescaped '%' at the end (write %% for a literal %)"],
  ['Envoy header format', envoyHeaderFormatRule, '%REQ(x-id)%', undefined],
  ['Envoy header format', envoyHeaderFormatRule, '%PER_REQUEST_STATE(["a", "b"])%', undefined],
  ['Envoy header format', envoyHeaderFormatRule, 'abc%123', 'an unterminated %VARIABLE% (write %% for a literal %)'],
  ['Envoy header format', envoyHeaderFormatRule, '%V([x])%', `expected '"' to open an argument of a %VARIABLE([...])%`],
  ['Envoy header format', envoyHeaderFormatRule, '%V(["a" x])%', "expected ',', ']' or a space after an argument of a %VARIABLE([...])%"],
  ['Envoy header format', envoyHeaderFormatRule, '%V(["a"] x)%', "expected ')' after the arguments of a %VARIABLE([...])%"],
  ['Envoy header format', envoyHeaderFormatRule, '%V(a) x%', "expected '%' to close a %VARIABLE(...)%"],
  ['Envoy header format', envoyHeaderFormatRule, '%V(a\\', 'an unterminated backslash in a %VARIABLE(...)% argument'],
];

describe('Istio header rules', () => {
  it.each(cases)('%s %j', (_rule, check, input, expected) => {
    expect(check(input)).toBe(expected);
  });
});
