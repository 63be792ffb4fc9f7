/**
 * Validation of rendered objects against the published Istio and Kubernetes models, so the pure
 * layering code can refuse a filter whose result the API server would reject (or silently prune).
 *
 * Sources of truth, in order:
 * - `@kubernetes-models/istio` schemas (types, enums, nested shapes). The installed 2.x package is
 *   generated from Istio 1.18 and has no `networking.istio.io/v1` classes; Istio's v1 schema is the
 *   v1beta1 schema served under a new version, so v1 objects are checked with the v1beta1 models.
 * - `kubernetes-models` for core/v1 Service.
 * - Unknown fields under `spec`: neither package rejects them, but the API server prunes them, which
 *   would drop a user's patch without a word. We walk the Istio package's own JSON schema for that.
 *   Service specs are not walked (kubernetes-models ships only precompiled validators, and Services
 *   are rendered by us, never patched by users).
 * - Required fields Istio's current CRDs declare but the 1.18 models do not (`host`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Service } from 'kubernetes-models/v1/Service';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { EnvoyFilter } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter';
import { ISTIO_NETWORKING, ISTIO_NETWORKING_ALPHA } from './types.ts';

/** One problem: `path` in dotted form (`spec.http[0].route[0].weight`), `message` says rule and value. */
export interface ValidationIssue {
  path: string;
  message: string;
}

interface ModelClass {
  new (data: Record<string, unknown>): { validate(): void };
  apiVersion: string;
}

interface KindEntry {
  apiVersion: string;
  model: ModelClass;
  /** Package module whose embedded JSON schema drives the unknown-field walk; absent = no walk. */
  schemaModule?: string;
}

const ISTIO_PKG = '@kubernetes-models/istio/networking.istio.io';

const KINDS: Record<string, KindEntry> = {
  VirtualService: { apiVersion: ISTIO_NETWORKING, model: VirtualService, schemaModule: `${ISTIO_PKG}/v1beta1/VirtualService` },
  DestinationRule: { apiVersion: ISTIO_NETWORKING, model: DestinationRule, schemaModule: `${ISTIO_PKG}/v1beta1/DestinationRule` },
  EnvoyFilter: { apiVersion: ISTIO_NETWORKING_ALPHA, model: EnvoyFilter, schemaModule: `${ISTIO_PKG}/v1alpha3/EnvoyFilter` },
  Service: { apiVersion: 'v1', model: Service },
};

/**
 * Problems Istio / Kubernetes would report for `obj`; empty when it is acceptable. Synchronous; the
 * package schemas are compiled once, on first use. Supported: VirtualService and DestinationRule
 * (networking.istio.io/v1), EnvoyFilter (networking.istio.io/v1alpha3), Service (v1). Anything else
 * gives one issue at `kind`.
 */
export function validateIstioObject(obj: unknown): ValidationIssue[] {
  if (!isRecord(obj)) return [{ path: '', message: `must be an object, got ${describe(obj)}` }];
  const entry = typeof obj.kind === 'string' ? KINDS[obj.kind] : undefined;
  if (!entry) return [{ path: 'kind', message: `unsupported kind ${String(obj.kind)}` }];
  if (obj.apiVersion !== entry.apiVersion) {
    return [{ path: 'apiVersion', message: `${String(obj.kind)} must have apiVersion ${entry.apiVersion}, got ${describe(obj.apiVersion)}` }];
  }
  const issues = [...modelIssues(entry, obj), ...requiredHostIssues(obj)];
  if (entry.schemaModule && isRecord(obj.spec)) {
    const specSchema = packageSchema(entry.schemaModule).properties?.spec;
    const newer = FIELDS_NEWER_THAN_PACKAGE[String(obj.kind)] ?? {};
    if (specSchema) unknownFields(obj.spec, specSchema, { path: 'spec', loc: 'spec', newer }, issues);
  }
  return dedupe(issues);
}

/** Runs the package model's ajv validation (with the model's own apiVersion) and maps its errors. */
function modelIssues(entry: KindEntry, obj: Record<string, unknown>): ValidationIssue[] {
  try {
    new entry.model({ ...obj, apiVersion: entry.model.apiVersion }).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: AjvError[] }).errors;
    if (!Array.isArray(errors)) throw err;
    return errors.map((e) => toIssue(e, obj));
  }
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

function toIssue(e: AjvError, obj: Record<string, unknown>): ValidationIssue {
  const path = pointerToDotted(e.instancePath);
  if (e.keyword === 'required') {
    const missing = String(e.params?.missingProperty);
    return { path: joinPath(path, missing), message: 'required field is missing' };
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params?.allowedValues as unknown[] | undefined)?.map((v) => JSON.stringify(v)).join(', ');
    return { path, message: `must be one of ${allowed}, got ${describe(valueAt(obj, e.instancePath))}` };
  }
  return { path, message: `${e.message ?? e.keyword}, got ${describe(valueAt(obj, e.instancePath))}` };
}

/** The value a JSON pointer names in `obj` (the precompiled Service validators omit it). */
function valueAt(obj: unknown, pointer: string): unknown {
  return pointerSegments(pointer).reduce<unknown>((v, seg) => (isRecord(v) || Array.isArray(v) ? (v as Record<string, unknown>)[seg] : undefined), obj);
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `/spec/http/0/route` → `spec.http[0].route` (JSON-pointer escapes decoded). */
export function pointerToDotted(pointer: string): string {
  return pointerSegments(pointer).reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : joinPath(acc, seg)), '');
}

function joinPath(base: string, key: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base === '' ? key : `${base}.${key}`;
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
}

const schemaCache = new Map<string, SchemaNode>();
const requireFromHere = createRequire(import.meta.url);

/**
 * The JSON schema embedded in a generated package module. The package keeps it module-private
 * (`const schema = {...};`), so we read it from the module's text; the literal is plain JSON.
 */
function packageSchema(moduleId: string): SchemaNode {
  const cached = schemaCache.get(moduleId);
  if (cached) return cached;
  const file = requireFromHere.resolve(moduleId);
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('const schema = {');
  const end = text.indexOf('\n};', start);
  if (start < 0 || end < 0) throw new Error(`no embedded schema in ${moduleId}: package layout changed`);
  const schema = JSON.parse(text.slice(start + 'const schema = '.length, end + 2)) as SchemaNode;
  schemaCache.set(moduleId, schema);
  return schema;
}

/**
 * Fields Istio's CRDs declare but the installed 1.18-era package schemas do not, keyed by kind and
 * schema location (`[]` = array item, `{}` = map value). Accepted without being walked; the
 * CRD-based test validator checks them (and checks that each one is in the real CRD).
 */
export const FIELDS_NEWER_THAN_PACKAGE: Record<string, Record<string, readonly string[]>> = {
  VirtualService: { 'spec.http[]': ['mirrors'] },
};

/**
 * Reports keys not declared by the schema. An object schema with no declared properties is
 * free-form (that is how the package renders `x-kubernetes-preserve-unknown-fields`, e.g. an
 * EnvoyFilter patch `value`), so it is not walked.
 */
function unknownFields(value: unknown, schema: SchemaNode, at: WalkAt, out: ValidationIssue[]): void {
  if (Array.isArray(value)) {
    const items = schema.items;
    if (items) value.forEach((v, i) => unknownFields(v, items, { ...at, path: `${at.path}[${i}]`, loc: `${at.loc}[]` }, out));
    return;
  }
  if (!isRecord(value)) return;
  const props = schema.properties ?? {};
  const declared = Object.keys(props).length > 0;
  const newer = at.newer[at.loc] ?? [];
  for (const [key, child] of Object.entries(value)) {
    const path = joinPath(at.path, key);
    const known = props[key];
    const mapValue = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    if (known) unknownFields(child, known, { ...at, path, loc: `${at.loc}.${key}` }, out);
    else if (mapValue) unknownFields(child, mapValue, { ...at, path, loc: `${at.loc}{}` }, out);
    else if (declared && !newer.includes(key)) out.push({ path, message: 'unknown field (the API server would prune it)' });
  }
}

interface WalkAt {
  /** Dotted instance path reported to the caller. */
  path: string;
  /** Schema location, for FIELDS_NEWER_THAN_PACKAGE. */
  loc: string;
  newer: Record<string, readonly string[]>;
}

const ROUTE_LISTS = ['http', 'tcp', 'tls'] as const;

/** `host` is required on DR specs and on every route / mirror destination in current Istio CRDs. */
function requiredHostIssues(obj: Record<string, unknown>): ValidationIssue[] {
  const spec = obj.spec;
  if (!isRecord(spec)) return [];
  const issues: ValidationIssue[] = [];
  const need = (dest: unknown, path: string): void => {
    if (isRecord(dest) && (typeof dest.host !== 'string' || dest.host === '')) {
      issues.push({ path: `${path}.host`, message: `required field is missing or empty, got ${describe(dest.host)}` });
    }
  };
  if (obj.kind === 'DestinationRule') need(spec, 'spec');
  if (obj.kind !== 'VirtualService') return issues;
  for (const list of ROUTE_LISTS) {
    asArray(spec[list]).forEach((route, i) => {
      if (!isRecord(route)) return;
      const base = `spec.${list}[${i}]`;
      asArray(route.route).forEach((r, j) => isRecord(r) && need(r.destination, `${base}.route[${j}].destination`));
      need(route.mirror, `${base}.mirror`);
      asArray(route.mirrors).forEach((m, j) => isRecord(m) && need(m.destination, `${base}.mirrors[${j}].destination`));
    });
  }
  return issues;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
