/** A JSON-schema node as the CRDs spell it (openAPIV3Schema subset). */
export type SchemaNode = Record<string, unknown>;

export function isSchemaNode(v: unknown): v is SchemaNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The value of `node[key]` with every sub-schema it holds passed through `f`: the values of
 * `properties`, `items`, `additionalProperties`, `not`, and each of `oneOf` / `anyOf` / `allOf`.
 * Anything else is returned as is. The one walk behind every schema transformation (closing
 * objects for validation, stripping descriptions at generation, the tests' structural copy).
 */
export function mapSubschemas(key: string, value: unknown, f: (s: SchemaNode) => SchemaNode): unknown {
  if (key === 'properties' && isSchemaNode(value)) {
    return Object.fromEntries(Object.entries(value).map(([name, s]) => [name, isSchemaNode(s) ? f(s) : s]));
  }
  if ((key === 'items' || key === 'additionalProperties' || key === 'not') && isSchemaNode(value)) return f(value);
  if ((key === 'oneOf' || key === 'anyOf' || key === 'allOf') && Array.isArray(value)) {
    return value.map((s: unknown) => (isSchemaNode(s) ? f(s) : s));
  }
  return value;
}
