/**
 * Name rules of Istio's validating webhook (istio/istio pkg/config/labels and
 * pkg/config/validation/agent: IsDNS1123Label, ValidateWildcardDomain, ValidateFQDN,
 * validateGatewayNames, validateSubsetName) and Kubernetes' label rules (IsQualifiedName,
 * IsValidLabelValue). Each returns the rule a value breaks, or undefined when it passes.
 */
import { memoized } from './memo.ts';

/** Istio's DNS-1123 label accepts either case (labels.dns1123LabelFmt); 63 characters at most. */
const DNS1123_LABEL = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;
const DNS1123_LABEL_MAX = 63;
/** A host's first label may be `*`, or a label led by `*` or `*-` (labels.wildcardPrefix). */
const WILDCARD_LABEL = /^(\*|(\*|\*-)?[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)$/;
/** Istio's bound on a whole domain name (checkDNS1123Preconditions). */
const DOMAIN_MAX = 255;
/** Kubernetes: a label key's optional prefix is a lowercase DNS-1123 subdomain of ≤ 253 characters. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_PREFIX_MAX = 253;
/** Kubernetes: a label key's name and a label value, ≤ 63 characters, alphanumeric at both ends. */
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QUALIFIED_NAME_MAX = 63;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function isDns1123Label(value: string): boolean {
  return value.length <= DNS1123_LABEL_MAX && DNS1123_LABEL.test(value);
}

/** An IPv4 or IPv6 address (no zone, no prefix length), as Go's net.ParseIP accepts. */
export function isIpAddress(value: string): boolean {
  if (IPV4.test(value)) return true;
  // Only address characters: the URL parser below must see nothing but the address.
  if (!value.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(value)) return false;
  try {
    return new URL(`http://[${value}]/`).hostname !== '';
  } catch {
    return false;
  }
}

function domainPreconditions(domain: string): string | undefined {
  if (domain === '') return 'must not be empty';
  if (domain.length > DOMAIN_MAX) return `must be at most ${DOMAIN_MAX} characters (got ${domain.length})`;
  return undefined;
}

/** Every label a DNS-1123 label, a trailing dot allowed, the top-level domain not all digits. */
function domainLabels(domain: string): string | undefined {
  const labels = domain.split('.');
  const top = labels[labels.length - 1] ?? '';
  if (/^[+-]?\d+$/.test(top)) return `top-level domain "${top}" must not be all digits`;
  for (const [i, label] of labels.entries()) {
    if (i === labels.length - 1 && label === '') return undefined;
    if (!isDns1123Label(label)) return `label "${label}" is not a DNS-1123 label (at most 63 letters, digits or "-", alphanumeric at both ends)`;
  }
  return undefined;
}

/**
 * A DNS name whose first label may be a wildcard (`*`, `*.example.com`); Istio's
 * ValidateWildcardDomain. Remembered: every destination of a Router names the same host.
 */
export const wildcardHostRule = memoized((host: string): string | undefined => {
  const reason = domainPreconditions(host) ?? wildcardLabels(host);
  return reason && `must be a host name (a wildcard only as a leading "*"): ${reason}`;
});

function wildcardLabels(host: string): string | undefined {
  const dot = host.indexOf('.');
  const first = dot < 0 ? host : host.slice(0, dot);
  if (first.length > DNS1123_LABEL_MAX || !WILDCARD_LABEL.test(first)) return `label "${first}" is not a DNS-1123 label or a leading wildcard`;
  return dot < 0 ? undefined : domainLabels(host.slice(dot + 1));
}

/** A VirtualService host: a host name or an IP address; `*` only when no sidecar is bound (Istio refuses it for the mesh). */
export function virtualServiceHostRule(host: string, boundToMesh: boolean): string | undefined {
  if (isIpAddress(host)) return undefined;
  const rule = wildcardHostRule(host);
  if (rule !== undefined) return rule;
  if (boundToMesh && host === '*') return 'the wildcard host "*" is not allowed on a VirtualService bound to the mesh gateway (sidecars)';
  return undefined;
}

/** A route or mirror destination names a service: a host name, never `*` (validateDestination). */
export function destinationHostRule(host: string): string | undefined {
  if (host === '*') return 'a destination host must name a service, not "*"';
  return wildcardHostRule(host);
}

/** `mesh`, `<namespace>/<name>`, or a gateway's host name (validateGatewayNames). */
export function gatewayNameRule(name: string): string | undefined {
  const slash = name.indexOf('/');
  if (slash < 0) {
    const reason = domainPreconditions(name) ?? domainLabels(name);
    return reason && `must be "mesh", <namespace>/<name> or a gateway host name: ${reason}`;
  }
  const namespace = name.slice(0, slash);
  const gateway = name.slice(slash + 1);
  if (namespace === '' || gateway === '') return 'must be <namespace>/<name> with neither part empty';
  if (!isDns1123Label(namespace)) return `must be <namespace>/<name>: namespace "${namespace}" is not a DNS-1123 label`;
  if (!isDns1123Label(gateway)) return `must be <namespace>/<name>: name "${gateway}" is not a DNS-1123 label`;
  return undefined;
}

/** A DestinationRule subset name (validateSubsetName). */
export function subsetNameRule(name: string): string | undefined {
  if (name === '') return 'a subset name must not be empty';
  if (isDns1123Label(name)) return undefined;
  const length = name.length > DNS1123_LABEL_MAX ? `, got ${name.length}` : '';
  return `a subset name must be a DNS-1123 label (at most 63 letters, digits or "-", alphanumeric at both ends${length})`;
}

/** A label key: `[prefix/]name` (Kubernetes IsQualifiedName; Istio's labels.Instance.Validate). */
export function labelKeyRule(key: string): string | undefined {
  const reason = labelKeyReason(key);
  return reason && `must be a label key ([prefix/]name): ${reason}`;
}

function labelKeyReason(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'at most one "/"';
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix.length > LABEL_PREFIX_MAX || !DNS1123_SUBDOMAIN.test(prefix)) {
      return `prefix "${prefix}" must be a lowercase DNS-1123 subdomain of at most ${LABEL_PREFIX_MAX} characters`;
    }
  }
  return qualifiedNameReason(name, 'name');
}

function qualifiedNameReason(name: string, what: string): string | undefined {
  if (name === '') return `${what} must not be empty`;
  if (name.length > QUALIFIED_NAME_MAX) return `${what} must be at most ${QUALIFIED_NAME_MAX} characters (got ${name.length})`;
  if (!QUALIFIED_NAME.test(name)) return `${what} must be letters, digits, "-", "_" or ".", alphanumeric at both ends`;
  return undefined;
}

/** A label value: empty, or a qualified name of at most 63 characters (Kubernetes IsValidLabelValue). */
export function labelValueRule(value: string): string | undefined {
  if (value === '') return undefined;
  const reason = qualifiedNameReason(value, 'a label value');
  return reason && `must be a label value: ${reason}`;
}
