import { describe, expect, it } from 'vitest';
import {
  destinationHostRule,
  gatewayNameRule,
  isIpAddress,
  labelKeyRule,
  labelValueRule,
  subsetNameRule,
  virtualServiceHostRule,
  wildcardHostRule,
} from './names.ts';

const LABEL_63 = 'a'.repeat(63);
const DNS_LABEL_HINT = '(at most 63 letters, digits or "-", alphanumeric at both ends)';

/** [rule, input, expected message or undefined]: one failing and one passing case at least per rule. */
const cases: [string, (v: string) => string | undefined, string, string | undefined][] = [
  ['subset name', subsetNameRule, 'master-v1-0-1', undefined],
  ['subset name', subsetNameRule, 'V1', undefined],
  ['subset name', subsetNameRule, 'v1.0', 'a subset name must be a DNS-1123 label (at most 63 letters, digits or "-", alphanumeric at both ends)'],
  ['subset name', subsetNameRule, 'a'.repeat(64), 'a subset name must be a DNS-1123 label (at most 63 letters, digits or "-", alphanumeric at both ends, got 64)'],
  ['subset name', subsetNameRule, '', 'a subset name must not be empty'],
  ['label key', labelKeyRule, 'app.kubernetes.io/name', undefined],
  ['label key', labelKeyRule, `x/${LABEL_63}`, undefined],
  ['label key', labelKeyRule, 'bad key', 'must be a label key ([prefix/]name): name must be letters, digits, "-", "_" or ".", alphanumeric at both ends'],
  ['label key', labelKeyRule, `${LABEL_63}b`, 'must be a label key ([prefix/]name): name must be at most 63 characters (got 64)'],
  ['label key', labelKeyRule, 'Example.com/app', 'must be a label key ([prefix/]name): prefix "Example.com" must be a lowercase DNS-1123 subdomain of at most 253 characters'],
  ['label key', labelKeyRule, 'a/b/c', 'must be a label key ([prefix/]name): at most one "/"'],
  ['label key', labelKeyRule, 'example.com/', 'must be a label key ([prefix/]name): name must not be empty'],
  ['label value', labelValueRule, '', undefined],
  ['label value', labelValueRule, 'v1.0_rc-1', undefined],
  ['label value', labelValueRule, '-v1', 'must be a label value: a label value must be letters, digits, "-", "_" or ".", alphanumeric at both ends'],
  ['label value', labelValueRule, `${LABEL_63}b`, 'must be a label value: a label value must be at most 63 characters (got 64)'],
  ['host', wildcardHostRule, 'reviews.shop.svc.cluster.local', undefined],
  ['host', wildcardHostRule, 'reviews', undefined],
  ['host', wildcardHostRule, '*.example.com', undefined],
  ['host', wildcardHostRule, 'istio.io.', undefined],
  ['host', wildcardHostRule, 'a.*.example.com', `must be a host name (a wildcard only as a leading "*"): label "*" is not a DNS-1123 label ${DNS_LABEL_HINT}`],
  ['host', wildcardHostRule, 'rev_iews.shop', 'must be a host name (a wildcard only as a leading "*"): label "rev_iews" is not a DNS-1123 label or a leading wildcard'],
  ['host', wildcardHostRule, 'example.123', 'must be a host name (a wildcard only as a leading "*"): top-level domain "123" must not be all digits'],
  ['host', wildcardHostRule, '', 'must be a host name (a wildcard only as a leading "*"): must not be empty'],
  ['host', wildcardHostRule, `${'a.'.repeat(128)}io`, 'must be a host name (a wildcard only as a leading "*"): must be at most 255 characters (got 258)'],
  ['VirtualService host on the mesh', (h) => virtualServiceHostRule(h, true), '*', 'the wildcard host "*" is not allowed on a VirtualService bound to the mesh gateway (sidecars)'],
  ['VirtualService host on gateways only', (h) => virtualServiceHostRule(h, false), '*', undefined],
  ['VirtualService host', (h) => virtualServiceHostRule(h, true), '10.0.0.1', undefined],
  ['destination host', destinationHostRule, 'reviews', undefined],
  ['destination host', destinationHostRule, '*', 'a destination host must name a service, not "*"'],
  ['gateway name', gatewayNameRule, 'mesh', undefined],
  ['gateway name', gatewayNameRule, 'istio-system/public', undefined],
  ['gateway name', gatewayNameRule, 'istio-system/', 'must be <namespace>/<name> with neither part empty'],
  ['gateway name', gatewayNameRule, 'istio_system/public', 'must be <namespace>/<name>: namespace "istio_system" is not a DNS-1123 label'],
  ['gateway name', gatewayNameRule, 'ns/public.gw', 'must be <namespace>/<name>: name "public.gw" is not a DNS-1123 label'],
  ['gateway name', gatewayNameRule, 'my gw', `must be "mesh", <namespace>/<name> or a gateway host name: label "my gw" is not a DNS-1123 label ${DNS_LABEL_HINT}`],
];

describe('Istio name rules', () => {
  it.each(cases)('%s %j', (_rule, check, input, expected) => {
    expect(check(input)).toBe(expected);
  });

  it.each([
    ['10.1.2.3', true],
    ['fd00::1', true],
    ['::1', true],
    ['10.1.2.300', false],
    ['::1]/x?[', false],
    ['reviews', false],
  ])('isIpAddress(%j) is %s', (input, expected) => {
    expect(isIpAddress(input)).toBe(expected);
  });
});
