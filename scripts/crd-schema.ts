import { z } from 'zod';
import { GROUP, VERSION } from '../api/meta.ts';
import type { KindInfo } from '../api/kinds.ts';

/** A node of an OpenAPI v3 schema as JSON (zod's output or a Kubernetes structural schema). */
export type SchemaNode = { [key: string]: unknown };

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';

/**
 * Keys copied as they are, in this order (stable YAML, readable diffs). Every other key is either
 * rewritten below or rejected, so a new zod feature cannot slip something the API server refuses.
 */
const COPIED_KEYS = [
  'type', 'format', 'description', 'nullable', 'enum', 'default',
  'minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'minProperties', 'maxProperties',
  'required',
] as const;
/** Keys zod emits that mean nothing to Kubernetes (or are restated by another key). */
const DROPPED_KEYS = new Set(['$schema', 'id', '$id', '$defs', 'definitions', 'title', 'examples', 'propertyNames']);
/** Composition keywords: zod emits them for unions and intersections, which CRD schemas cannot type. */
const COMPOSITIONS = ['anyOf', 'oneOf', 'allOf', 'not'];
const HANDLED_KEYS = new Set([...COPIED_KEYS, 'const', 'items', 'properties', 'additionalProperties', PRESERVE, 'uniqueItems', '$ref']);

/** Error raised for a schema the API server would reject; the message names the node's path. */
export class CrdSchemaError extends Error {}

/**
 * Turns zod's JSON Schema (`target: 'openapi-3.0'`, `io: 'input'`) into a Kubernetes structural schema.
 *
 * - drops `$schema`, `id`, `$defs` (after inlining `$ref`s), `additionalProperties: false` and any
 *   `additionalProperties` beside `properties` (objects are closed by pruning instead);
 * - a node marked `x-kubernetes-preserve-unknown-fields` keeps only `type`, the marker, its
 *   description and CEL rules (zod's `additionalProperties: {}` for free-form records goes away);
 * - drops zod's implicit integer bounds (±2^53-1) and the regex zod adds beside `format: date-time`
 *   (the API server checks the format itself);
 * - `const` becomes a one-value `enum`.
 *
 * Throws `CrdSchemaError` naming the path for unions (`anyOf`/`oneOf`/`allOf`/`not`), a node
 * without `type` (e.g. `z.unknown()` without the preserve marker), `uniqueItems: true` and unknown keys.
 */
export function toStructuralSchema(jsonSchema: SchemaNode, path = '<root>'): SchemaNode {
  const defs = { ...asNode(jsonSchema['$defs']), ...asNode(jsonSchema['definitions']) };
  return convert(jsonSchema, path, defs);
}

function convert(input: SchemaNode, path: string, defs: SchemaNode): SchemaNode {
  const node = resolveRef(input, path, defs);
  for (const key of COMPOSITIONS) {
    if (key in node) throw new CrdSchemaError(`${path}: ${key} is not allowed in a CRD schema (zod emits it for unions); use one object with optional fields and a CEL rule instead`);
  }
  for (const key of Object.keys(node)) {
    if (!HANDLED_KEYS.has(key) && !DROPPED_KEYS.has(key) && !key.startsWith('x-kubernetes-')) {
      throw new CrdSchemaError(`${path}: schema keyword ${key} is not supported by the CRD generator`);
    }
  }
  if (node['uniqueItems'] === true) throw new CrdSchemaError(`${path}: uniqueItems: true is not allowed by Kubernetes; use a CEL rule or x-kubernetes-list-type: set`);
  if (node[PRESERVE] === true) return preserved(node);
  if (typeof node['type'] !== 'string') {
    throw new CrdSchemaError(`${path}: every node needs a type (got ${JSON.stringify(node)}); mark free-form values with .meta({'${PRESERVE}': true})`);
  }
  const out: SchemaNode = {};
  for (const key of COPIED_KEYS) if (node[key] !== undefined) out[key] = node[key];
  if (node['const'] !== undefined) out['enum'] = [node['const']];
  dropImplicitBounds(out);
  convertChildren(node, out, path, defs);
  copyKubernetesExtensions(node, out);
  return out;
}

function convertChildren(node: SchemaNode, out: SchemaNode, path: string, defs: SchemaNode): void {
  const items = node['items'];
  if (items !== undefined) {
    if (Array.isArray(items)) throw new CrdSchemaError(`${path}: tuple items are not allowed in a CRD schema`);
    out['items'] = convert(asNode(items), `${path}[]`, defs);
  }
  const properties = node['properties'];
  if (properties !== undefined) {
    out['properties'] = Object.fromEntries(
      Object.entries(asNode(properties)).map(([name, child]) => [name, convert(asNode(child), `${path}.${name}`, defs)]),
    );
    return; // additionalProperties beside properties is not structural: unknown fields are pruned.
  }
  const additional = node['additionalProperties'];
  if (typeof additional === 'object' && additional !== null) {
    out['additionalProperties'] = convert(asNode(additional), `${path}{}`, defs);
  }
}

/** A preserve-unknown-fields node: nothing under it is typed, so nothing else may be said about it. */
function preserved(node: SchemaNode): SchemaNode {
  const out: SchemaNode = {};
  if (typeof node['type'] === 'string') out['type'] = node['type'];
  if (typeof node['description'] === 'string') out['description'] = node['description'];
  copyKubernetesExtensions(node, out);
  return out;
}

function copyKubernetesExtensions(node: SchemaNode, out: SchemaNode): void {
  for (const key of Object.keys(node).sort()) {
    if (key.startsWith('x-kubernetes-')) out[key] = node[key];
  }
}

/** zod bounds every `.int()` by the safe-integer range; Kubernetes integers are int64 anyway. */
function dropImplicitBounds(out: SchemaNode): void {
  if (out['minimum'] === Number.MIN_SAFE_INTEGER) delete out['minimum'];
  if (out['maximum'] === Number.MAX_SAFE_INTEGER) delete out['maximum'];
  if (out['format'] === 'date-time') delete out['pattern'];
}

function resolveRef(node: SchemaNode, path: string, defs: SchemaNode): SchemaNode {
  const ref = node['$ref'];
  if (typeof ref !== 'string') return node;
  const name = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref)?.[1];
  const target = name === undefined ? undefined : defs[name];
  if (target === undefined) throw new CrdSchemaError(`${path}: cannot inline $ref ${ref} (only local #/$defs/ references are supported)`);
  // Recursive schemas would inline forever; zod only emits refs for reuse, which is safe to expand.
  const { $ref: _ref, ...rest } = node;
  return { ...asNode(target), ...rest };
}

function asNode(value: unknown): SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as SchemaNode) : {};
}

/** The structural schema of one zod schema, as the API server stores it. */
export function structuralSchemaOf(schema: z.ZodType, path: string): SchemaNode {
  return toStructuralSchema(z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as SchemaNode, path);
}

/** The CustomResourceDefinition of one Switchyard kind (apiextensions.k8s.io/v1). */
export function crdFor(kind: KindInfo): SchemaNode {
  const spec = structuralSchemaOf(kind.spec, `${kind.kind}.spec`);
  const status = structuralSchemaOf(kind.status, `${kind.kind}.status`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.plural}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'switchyard' } },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        kind: kind.kind,
        listKind: `${kind.kind}List`,
        plural: kind.plural,
        singular: kind.singular,
        shortNames: kind.shortNames,
        categories: ['switchyard'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: kind.printerColumns,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status,
              },
            },
          },
        },
      ],
    },
  };
}
