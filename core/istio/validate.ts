/**
 * Validation of rendered objects against the schemas the API server applies, so the pure layering
 * code can refuse a filter whose result the API server would reject (or silently prune).
 *
 * Sources of truth:
 * - VirtualService, DestinationRule (networking.istio.io/v1) and EnvoyFilter (v1alpha3): the `spec`
 *   schemas of Istio's real CRDs at the pinned ISTIO_API_VERSION, committed in schemas/ by
 *   `npm run gen:istio-schemas` (test/istio-schemas.test.ts fails when they are stale).
 * - Service (v1): service-spec-schema.ts, the fields Switchyard renders.
 * Unknown fields under `spec` are errors (see spec-validator.ts). Only `apiVersion`, `kind` and
 * `spec` are checked. CEL rules are not evaluated here: the ones on durations, and istiod's own
 * validation rules, are istio-rules.ts's job.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import destinationRuleSpec from './schemas/destination-rule.json' with { type: 'json' };
import envoyFilterSpec from './schemas/envoy-filter.json' with { type: 'json' };
import virtualServiceSpec from './schemas/virtual-service.json' with { type: 'json' };
import { SERVICE_SPEC_SCHEMA } from './service-spec-schema.ts';
import { compileSpecValidator, INT_OR_STRING } from './spec-validator.ts';
import { ISTIO_NETWORKING, ISTIO_NETWORKING_ALPHA } from './types.ts';

/** One problem, `path` in dotted form (`spec.http[0].route[0].weight`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

interface KindEntry {
  apiVersion: string;
  specSchema: object;
}

const KINDS = new Map<string, KindEntry>([
  ['VirtualService', { apiVersion: ISTIO_NETWORKING, specSchema: virtualServiceSpec }],
  ['DestinationRule', { apiVersion: ISTIO_NETWORKING, specSchema: destinationRuleSpec }],
  ['EnvoyFilter', { apiVersion: ISTIO_NETWORKING_ALPHA, specSchema: envoyFilterSpec }],
  ['Service', { apiVersion: 'v1', specSchema: SERVICE_SPEC_SCHEMA }],
]);

const validators = new Map<string, ValidateFunction>();

/**
 * Problems Istio / Kubernetes would report for `obj`; empty when it is acceptable. Synchronous; each
 * kind's schema is compiled once, on first use. Supported: VirtualService and DestinationRule
 * (networking.istio.io/v1), EnvoyFilter (networking.istio.io/v1alpha3), Service (v1). Anything else
 * gives one issue at `kind`.
 */
export function validateIstioObject(obj: unknown): ValidationIssue[] {
  if (!isRecord(obj)) return [{ path: '', message: `must be an object, got ${describe(obj)}` }];
  const kind = String(obj.kind);
  const entry = typeof obj.kind === 'string' ? KINDS.get(kind) : undefined;
  if (!entry) return [{ path: 'kind', message: `unsupported kind ${kind}` }];
  if (obj.apiVersion !== entry.apiVersion) {
    return [{ path: 'apiVersion', message: `${kind} must have apiVersion ${entry.apiVersion}, got ${describe(obj.apiVersion)}` }];
  }
  let validate = validators.get(kind);
  if (!validate) {
    validate = compileSpecValidator(entry.specSchema);
    validators.set(kind, validate);
  }
  if (validate(obj)) return [];
  return dedupe((validate.errors ?? []).filter((e) => !insideCombinator(e)).map(toIssue));
}

/**
 * Whether `e` comes from one branch of a oneOf / anyOf. Istio's CRDs use those only to say "at most
 * one of these fields" (branches that merely require one field); the combinator's own error says it.
 */
function insideCombinator(e: ErrorObject): boolean {
  return /\/(?:oneOf|anyOf)\/\d+\//.test(e.schemaPath);
}

function toIssue(e: ErrorObject): ValidationIssue {
  const path = pointerToDotted(e.instancePath);
  const got = describe(e.data);
  switch (e.keyword) {
    case 'required':
      return { path: joinPath(path, String(e.params.missingProperty)), message: 'required field is missing' };
    case 'additionalProperties':
      return { path: joinPath(path, String(e.params.additionalProperty)), message: 'unknown field (the API server would prune it)' };
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return { path, message: `must be one of ${allowed}, got ${got}` };
    }
    case 'oneOf':
      return { path, message: exclusiveFieldsMessage(e) ?? `${e.message ?? e.keyword}, got ${got}` };
    case INT_OR_STRING:
      return { path, message: `must be an integer or a string, got ${got}` };
    default:
      return { path, message: `${e.message ?? e.keyword}, got ${got}` };
  }
}

/** For Istio's "at most one of" oneOf (branches: none of the fields, or exactly one), which fields clash. */
function exclusiveFieldsMessage(e: ErrorObject): string | undefined {
  const branches = Array.isArray(e.schema) ? (e.schema as { required?: unknown }[]) : [];
  const fields = branches.flatMap((b) => (Array.isArray(b.required) ? b.required.map(String) : []));
  if (fields.length === 0 || !isRecord(e.data)) return undefined;
  const data = e.data;
  const set = fields.filter((f) => data[f] !== undefined);
  return `must set at most one of ${fields.join(', ')}, got ${set.join(' and ')}`;
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `/spec/http/0/route` → `spec.http[0].route` (JSON-pointer escapes decoded). */
export function pointerToDotted(pointer: string): string {
  return pointerSegments(pointer).reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : joinPath(acc, seg)), '');
}

/** Appends `key` to a dotted path, bracketing keys that are not identifiers (`headers["x-id"]`). */
export function joinPath(base: string, key: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base === '' ? key : `${base}.${key}`;
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
