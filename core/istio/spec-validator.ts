/**
 * ajv validators for Kubernetes structural schemas (a CRD's `openAPIV3Schema`), reading them as
 * the API server does rather than as plain JSON schema:
 * - an object keeps only the fields its schema declares (`additionalProperties: false`), unless it
 *   says `x-kubernetes-preserve-unknown-fields` or declares `additionalProperties` itself. The
 *   API server silently prunes the others; for us a pruned field is a user's patch dropped without
 *   a word, so it is an error.
 * - `x-kubernetes-int-or-string` accepts an integer or a string.
 * - `x-kubernetes-validations` (CEL) rules are data only here: a later step evaluates them.
 * - formats: `int32` is range-checked, `byte` must be base64, `double` is any number.
 */
import { Ajv, type AnySchema, type ValidateFunction } from 'ajv';
import { mapSubschemas } from './schema-walk.ts';

type Schema = Record<string, unknown>;

export const INT_OR_STRING = 'x-kubernetes-int-or-string';
const PRESERVE_UNKNOWN_FIELDS = 'x-kubernetes-preserve-unknown-fields';
const CEL_VALIDATIONS = 'x-kubernetes-validations';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** Standard base64 with padding, what the API server's `byte` format accepts. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

let ajv: Ajv | undefined;

/** One ajv for every kind; strict, so a keyword a future schema adds fails compilation, not silently. */
function structuralAjv(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({
    allErrors: true,
    // Errors carry the failing schema and value: messages quote the value, oneOf names its fields.
    verbose: true,
    formats: {
      int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX },
      double: true,
      byte: BASE64,
    },
  });
  ajv.addKeyword({ keyword: PRESERVE_UNKNOWN_FIELDS, schemaType: 'boolean' });
  ajv.addKeyword({ keyword: CEL_VALIDATIONS, schemaType: 'array' });
  ajv.addKeyword({
    keyword: INT_OR_STRING,
    schemaType: 'boolean',
    errors: false,
    validate: (on: boolean, data: unknown) => !on || Number.isInteger(data) || typeof data === 'string',
  });
  return ajv;
}

/**
 * A validator of whole objects whose `spec` follows `specSchema` (other top-level fields are not
 * checked), so error paths start at `/spec`. Compiling is the costly part: callers keep the result.
 */
export function compileSpecValidator(specSchema: object): ValidateFunction {
  const root = { type: 'object', properties: { spec: closedCopy(specSchema as Schema) } };
  return structuralAjv().compile(root as AnySchema);
}

/** A copy of a structural schema with `additionalProperties: false` on every object that does not keep unknown fields. */
function closedCopy(node: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    // Generated files name their source here; it is not part of the schema.
    if (key === '$comment') continue;
    out[key] = mapSubschemas(key, value, closedCopy);
  }
  const isObject = node.type === 'object' || node.properties !== undefined;
  if (isObject && node.additionalProperties === undefined && node[PRESERVE_UNKNOWN_FIELDS] !== true) out.additionalProperties = false;
  return out;
}

