/**
 * Fields a Switchyard resource carries that its schema does not declare. zod strips them and the
 * API server prunes them (or, with server-side field validation, refuses them), so a Router with
 * `version:` instead of `versions:` would silently lose its weights: they are errors instead,
 * named with the closest known field.
 */
import { z } from 'zod';
import type { KindInfo } from '../../api/kinds.ts';
import { closestName } from './closest-name.ts';
import { cutText } from './cut-text.ts';

/** A node of a JSON schema as zod emits it, read the way the API server reads a structural schema. */
export type SchemaNode = { readonly [key: string]: unknown };

/** One field the schema does not declare. */
export interface UnknownField {
  /** Path from the object's root, e.g. `['spec', 'subsets', 0, 'version']`. */
  path: (string | number)[];
  /** The fields the schema declares beside it, in schema order. */
  known: string[];
  /** The known field it most likely misspells, if any (see closestName). */
  suggestion?: string;
}

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';
const COMPOSITIONS = ['anyOf', 'oneOf', 'allOf'];

/**
 * Every ObjectMeta field the API server accepts on any object, read-only ones included (they are
 * in `kubectl get -o yaml` output). Their values are not checked here: only misspelt keys are.
 */
export const OBJECT_META_FIELDS = [
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation',
  'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations',
  'ownerReferences', 'finalizers', 'managedFields',
] as const;

const OBJECT_META_SCHEMA: SchemaNode = {
  type: 'object',
  properties: Object.fromEntries(OBJECT_META_FIELDS.map((f) => [f, { [PRESERVE]: true }])),
};

/**
 * Unknown fields of `value` under `schema`, depth first in document order. An object node with
 * `properties` is closed (as the API server prunes); one with only `additionalProperties` is a map
 * whose values are checked against it; `x-kubernetes-preserve-unknown-fields` ends the walk, as do
 * unions (`anyOf`/`oneOf`/`allOf`, which CRD schemas do not use) and a `$ref` that does not
 * resolve. A value of the wrong type is left alone: the schema's own validation reports that.
 */
export function unknownFields(value: unknown, schema: SchemaNode): UnknownField[] {
  const defs: SchemaNode = { ...asNode(schema['definitions']), ...asNode(schema['$defs']) };
  const out: UnknownField[] = [];
  walk(value, schema, [], defs, out);
  return out;
}

function walk(value: unknown, schema: SchemaNode, path: (string | number)[], defs: SchemaNode, out: UnknownField[]): void {
  const node = resolveRef(schema, defs);
  if (!node || node[PRESERVE] === true || COMPOSITIONS.some((k) => k in node)) return;
  if (Array.isArray(value)) {
    const items = asNode(node['items']);
    if (items) value.forEach((item, i) => walk(item, items, [...path, i], defs, out));
    return;
  }
  if (!isRecord(value)) return;
  const properties = asNode(node['properties']);
  if (properties) {
    const known = Object.keys(properties);
    for (const [key, child] of Object.entries(value)) {
      const childSchema = Object.hasOwn(properties, key) ? asNode(properties[key]) : undefined;
      if (childSchema) walk(child, childSchema, [...path, key], defs, out);
      else out.push(unknownField([...path, key], known));
    }
    return;
  }
  const additional = asNode(node['additionalProperties']);
  if (!additional) return;
  for (const [key, child] of Object.entries(value)) {
    // A map key the schema parse would drop without a word (zod records skip it): refused instead.
    if (key === PROTO_KEY) out.push({ path: [...path, key], known: [] });
    else walk(child, additional, [...path, key], defs, out);
  }
}

function unknownField(path: (string | number)[], known: string[]): UnknownField {
  const suggestion = closestName(String(path[path.length - 1]), known);
  return suggestion === undefined ? { path, known } : { path, known, suggestion };
}

/** The one map key JavaScript objects cannot hold as data. */
const PROTO_KEY = '__proto__';

const resourceSchemas = new Map<string, SchemaNode>();

/**
 * The schema of a whole Switchyard resource as its CRD declares it: `apiVersion`, `kind`,
 * `metadata` (any ObjectMeta field), `spec` and `status` from the kind's zod schemas (zod's JSON
 * Schema, `io: 'input'`, as the CRD generator uses). Computed once per kind.
 */
export function resourceSchema(kind: KindInfo): SchemaNode {
  let schema = resourceSchemas.get(kind.kind);
  if (!schema) {
    const json = (t: z.ZodType): SchemaNode => z.toJSONSchema(t, { target: 'openapi-3.0', io: 'input' }) as SchemaNode;
    schema = {
      type: 'object',
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: OBJECT_META_SCHEMA, spec: json(kind.spec), status: json(kind.status) },
    };
    resourceSchemas.set(kind.kind, schema);
  }
  return schema;
}

/** Unknown fields of a Switchyard resource of `kind` (see unknownFields and resourceSchema). */
export function unknownResourceFields(kind: KindInfo, object: unknown): UnknownField[] {
  return unknownFields(object, resourceSchema(kind));
}

/**
 * `unknown field "version", did you mean "versions"?`, or the known fields when none is close.
 * A long field name is cut (cutText).
 */
export function unknownFieldMessage(field: UnknownField): string {
  const last = String(field.path[field.path.length - 1]);
  if (last === PROTO_KEY) return `key "${PROTO_KEY}" is not allowed (it would be dropped silently)`;
  const name = `unknown field ${JSON.stringify(cutText(last))}`;
  if (field.suggestion !== undefined) return `${name}, did you mean ${JSON.stringify(field.suggestion)}?`;
  return field.known.length === 0 ? `${name} (no fields are allowed here)` : `${name} (known fields: ${field.known.join(', ')})`;
}

function resolveRef(node: SchemaNode, defs: SchemaNode): SchemaNode | undefined {
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  const name = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref)?.[1];
  const target = name === undefined ? undefined : asNode(defs[name]);
  return target === undefined ? undefined : { ...target, ...node, $ref: undefined };
}

function asNode(value: unknown): SchemaNode | undefined {
  return isRecord(value) ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
