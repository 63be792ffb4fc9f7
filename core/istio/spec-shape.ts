/**
 * The declared shape of Istio specs, for what the package models do not check: fields the API
 * server would prune (unknown fields) and fields current CRDs require that the models do not.
 *
 * Source: the JSON schema embedded in `@kubernetes-models/istio` (generated from Istio 1.18), plus
 * ISTIO_CRD_ADDITIONS, what Istio's current CRDs add to it. A test compares both against the real
 * upstream CRD file, so a bumped Istio pin that changes the difference fails loudly.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** One problem, `path` in dotted form (`spec.http[0].route[0].weight`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** The subset of JSON schema the walk reads. */
export interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  required?: string[];
}

/** What current CRDs add at one schema location (`spec.http[]`: `[]` array item, `{}` map value). */
export interface SchemaAdditions {
  /** Declared by the CRD, unknown to the package. Accepted, not walked further. */
  fields?: readonly string[];
  /** Required by the CRD, not by the package. */
  required?: readonly string[];
}

const ISTIO_PKG = '@kubernetes-models/istio/networking.istio.io';

/** Package module holding each kind's schema. v1 is the v1beta1 schema served under a new name. */
const PACKAGE_MODULES: Record<string, string> = {
  VirtualService: `${ISTIO_PKG}/v1beta1/VirtualService`,
  DestinationRule: `${ISTIO_PKG}/v1beta1/DestinationRule`,
  EnvoyFilter: `${ISTIO_PKG}/v1alpha3/EnvoyFilter`,
};

/** Additions to a DestinationRule TrafficPolicy (or, with `portLevel`, to one of its port settings). */
function trafficPolicyAdditions(root: string, portLevel: boolean): Record<string, SchemaAdditions> {
  const common: Record<string, SchemaAdditions> = {
    [`${root}.connectionPool.http`]: { fields: ['maxConcurrentStreams'] },
    [`${root}.connectionPool.tcp`]: { fields: ['idleTimeout'] },
    [`${root}.loadBalancer`]: { fields: ['warmup'] },
    [`${root}.loadBalancer.consistentHash.httpCookie`]: { fields: ['attributes'], required: ['name'] },
    [`${root}.tls`]: { fields: ['caCrl'] },
  };
  if (portLevel) return common;
  return {
    ...common,
    [root]: { fields: ['proxyProtocol', 'retryBudget'] },
    [`${root}.tunnel`]: { required: ['targetHost', 'targetPort'] },
    ...trafficPolicyAdditions(`${root}.portLevelSettings[]`, true),
  };
}

/** What Istio's CRDs at ISTIO_API_VERSION add to the package schemas, by kind and location. */
export const ISTIO_CRD_ADDITIONS: Record<string, Record<string, SchemaAdditions>> = {
  VirtualService: {
    'spec.http[]': { fields: ['mirrors'] },
    'spec.http[].corsPolicy': { fields: ['unmatchedPreflights'] },
    'spec.http[].directResponse': { required: ['status'] },
    'spec.http[].mirror': { required: ['host'] },
    'spec.http[].retries': { fields: ['backoff', 'retryIgnorePreviousHosts'] },
    'spec.http[].rewrite': { fields: ['uriRegexRewrite'] },
    'spec.http[].route[]': { required: ['destination'] },
    'spec.http[].route[].destination': { required: ['host'] },
    'spec.tcp[].route[]': { required: ['destination'] },
    'spec.tcp[].route[].destination': { required: ['host'] },
    'spec.tls[]': { required: ['match'] },
    'spec.tls[].match[]': { required: ['sniHosts'] },
    'spec.tls[].route[]': { required: ['destination'] },
    'spec.tls[].route[].destination': { required: ['host'] },
  },
  DestinationRule: {
    spec: { required: ['host'] },
    'spec.subsets[]': { required: ['name'] },
    ...trafficPolicyAdditions('spec.trafficPolicy', false),
    ...trafficPolicyAdditions('spec.subsets[].trafficPolicy', false),
  },
  EnvoyFilter: {
    spec: { fields: ['targetRefs'] },
    'spec.configPatches[].match': { fields: ['waypoint'] },
    'spec.configPatches[].match.routeConfiguration.vhost': { fields: ['domainName'] },
  },
};

const schemaCache = new Map<string, SchemaNode>();
const requireFromHere = createRequire(import.meta.url);

/**
 * The package's schema for `kind`'s spec, or undefined for kinds it does not model. The package
 * keeps the schema module-private (`const schema = {...};`), so it is read from the module's text,
 * where the literal is plain JSON; parsed once per process.
 */
export function packageSpecSchema(kind: string): SchemaNode | undefined {
  const moduleId = PACKAGE_MODULES[kind];
  if (!moduleId) return undefined;
  let schema = schemaCache.get(moduleId);
  if (!schema) {
    const text = readFileSync(requireFromHere.resolve(moduleId), 'utf8');
    const start = text.indexOf('const schema = {');
    const end = text.indexOf('\n};', start);
    if (start < 0 || end < 0) throw new Error(`no embedded schema in ${moduleId}: the package layout changed`);
    schema = JSON.parse(text.slice(start + 'const schema = '.length, end + 2)) as SchemaNode;
    schemaCache.set(moduleId, schema);
  }
  return schema.properties?.spec;
}

interface WalkAt {
  /** Dotted instance path reported to the caller. */
  path: string;
  /** Schema location, the key of ISTIO_CRD_ADDITIONS. */
  loc: string;
  additions: Record<string, SchemaAdditions>;
}

/**
 * Unknown and missing required fields in `spec` of `kind`; empty for kinds without a package
 * schema. An object schema that declares no properties is free-form (the package's rendering of
 * `x-kubernetes-preserve-unknown-fields`, e.g. an EnvoyFilter patch `value`), so it is not walked.
 */
export function specShapeIssues(kind: string, spec: unknown): ValidationIssue[] {
  const schema = packageSpecSchema(kind);
  if (!schema) return [];
  const out: ValidationIssue[] = [];
  walk(spec, schema, { path: 'spec', loc: 'spec', additions: ISTIO_CRD_ADDITIONS[kind] ?? {} }, out);
  return out;
}

function walk(value: unknown, schema: SchemaNode, at: WalkAt, out: ValidationIssue[]): void {
  if (Array.isArray(value)) {
    const items = schema.items;
    if (items) value.forEach((v, i) => walk(v, items, { ...at, path: `${at.path}[${i}]`, loc: `${at.loc}[]` }, out));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  const props = schema.properties ?? {};
  const added = at.additions[at.loc] ?? {};
  for (const key of [...(schema.required ?? []), ...(added.required ?? [])]) {
    if (record[key] === undefined) out.push({ path: joinPath(at.path, key), message: 'required field is missing' });
  }
  const mapValue = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const [key, child] of Object.entries(record)) {
    const path = joinPath(at.path, key);
    const known = props[key];
    if (known) walk(child, known, { ...at, path, loc: `${at.loc}.${key}` }, out);
    else if (mapValue) walk(child, mapValue, { ...at, path, loc: `${at.loc}{}` }, out);
    else if (Object.keys(props).length > 0 && !added.fields?.includes(key)) {
      out.push({ path, message: 'unknown field (the API server would prune it)' });
    }
  }
}

/** Appends `key` to a dotted path, bracketing keys that are not identifiers (`headers["x-id"]`). */
export function joinPath(base: string, key: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base === '' ? key : `${base}.${key}`;
}
