/**
 * Validation of rendered objects against the published Istio and Kubernetes models, so the pure
 * layering code can refuse a filter whose result the API server would reject (or silently prune).
 *
 * Sources of truth, in order:
 * - `@kubernetes-models/istio` schemas (types, enums, nested shapes). The installed 2.x package is
 *   generated from Istio 1.18 and has no `networking.istio.io/v1` classes; Istio's v1 schema is the
 *   v1beta1 schema served under a new version, so v1 objects are checked with the v1beta1 models.
 * - `kubernetes-models` for core/v1 Service.
 * - spec-shape.ts for unknown fields under `spec` (neither package rejects them, but the API server
 *   prunes them, which would drop a user's patch without a word) and for fields current Istio CRDs
 *   require but the 1.18 models do not (`host`). Service specs are not walked: kubernetes-models
 *   ships only precompiled validators, and Services are rendered by us, never patched by users.
 */
import { Service } from 'kubernetes-models/v1/Service';
import { VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule';
import { EnvoyFilter } from '@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter';
import { joinPath, specShapeIssues, type ValidationIssue } from './spec-shape.ts';
import { ISTIO_NETWORKING, ISTIO_NETWORKING_ALPHA } from './types.ts';

export type { ValidationIssue } from './spec-shape.ts';

interface ModelClass {
  new (data: Record<string, unknown>): { validate(): void };
  apiVersion: string;
}

interface KindEntry {
  apiVersion: string;
  model: ModelClass;
}

const KINDS: Record<string, KindEntry> = {
  VirtualService: { apiVersion: ISTIO_NETWORKING, model: VirtualService },
  DestinationRule: { apiVersion: ISTIO_NETWORKING, model: DestinationRule },
  EnvoyFilter: { apiVersion: ISTIO_NETWORKING_ALPHA, model: EnvoyFilter },
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
  return dedupe([...modelIssues(entry, obj), ...specShapeIssues(String(obj.kind), obj.spec)]);
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
