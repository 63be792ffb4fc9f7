import type { SchemaNode } from './crd-schema.ts';

/**
 * Checks a generated CRD schema against the API server's rules that zod cannot express. Each
 * function returns problems as `<path>: <what is wrong>` (empty when the schema is fine). Pure.
 */

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';
const COMPOSITIONS = ['anyOf', 'oneOf', 'allOf', 'not'];
const FORBIDDEN = ['$ref', '$schema', '$defs', 'definitions', 'id'];

interface Validation { rule: string; message?: string; messageExpression?: string }
/** A list or map above a node: each bounds how many times a rule below it runs. */
interface Container { path: string; bounded: boolean }
type Visit = (node: SchemaNode, path: string, containers: readonly Container[]) => void;

/** Visits every node of a schema with its path (`a.b[]` for items, `a{}` for map values). */
export function walkSchema(node: SchemaNode, visit: Visit, path = '', containers: readonly Container[] = []): void {
  visit(node, path, containers);
  const properties = asNode(node['properties']);
  for (const [name, child] of Object.entries(properties)) walkSchema(asNode(child), visit, path ? `${path}.${name}` : name, containers);
  if (isNode(node['items'])) {
    const here = { path, bounded: typeof node['maxItems'] === 'number' };
    walkSchema(node['items'], visit, `${path}[]`, [...containers, here]);
  }
  if (isNode(node['additionalProperties'])) {
    const here = { path, bounded: typeof node['maxProperties'] === 'number' };
    walkSchema(node['additionalProperties'], visit, `${path}{}`, [...containers, here]);
  }
}

/** Structural-schema rules: a type on every node (or preserve-unknown-fields), no unions, no refs. */
export function structuralProblems(schema: SchemaNode): string[] {
  const problems: string[] = [];
  walkSchema(schema, (node, path) => {
    const at = path || '<root>';
    const preserved = node[PRESERVE] === true || node['x-kubernetes-int-or-string'] === true;
    if (typeof node['type'] !== 'string' && !preserved) problems.push(`${at}: no type and not x-kubernetes-preserve-unknown-fields`);
    if ('properties' in node && 'additionalProperties' in node) problems.push(`${at}: additionalProperties beside properties`);
    if ('additionalProperties' in node && !isNode(node['additionalProperties'])) problems.push(`${at}: additionalProperties must be a schema (got ${JSON.stringify(node['additionalProperties'])})`);
    for (const key of [...COMPOSITIONS, ...FORBIDDEN]) if (key in node) problems.push(`${at}: ${key} is not allowed`);
    if (node[PRESERVE] === true && ('properties' in node || 'additionalProperties' in node || 'items' in node)) {
      problems.push(`${at}: a preserve-unknown-fields node must not also describe its content`);
    }
  });
  return problems;
}

/**
 * CEL cost bounds: a rule runs once per element of every list/map above it, so those need
 * maxItems/maxProperties; and every list, map or string a rule reads through `self.<field>` (and
 * the fields of the elements of a list it iterates) needs maxItems/maxProperties/maxLength or an
 * enum, or the API server's cost estimate assumes the whole request and rejects the CRD.
 * Also reports `self.<field>` naming a field the node does not have (a typo the server would reject).
 */
export function celBoundProblems(schema: SchemaNode): string[] {
  const problems: string[] = [];
  walkSchema(schema, (node, path, containers) => {
    const rules = validationsOf(node);
    if (rules.length === 0) return;
    const at = path || '<root>';
    for (const c of containers) if (!c.bounded) problems.push(`${at}: CEL rules run once per element of unbounded ${c.path || '<root>'}`);
    const properties = asNode(node['properties']);
    for (const field of referencedFields(rules)) {
      const child = properties[field];
      if (!isNode(child)) {
        problems.push(`${at}: a CEL rule reads self.${field}, which is not a field here`);
        continue;
      }
      const unbounded = unboundedReason(child);
      if (unbounded) problems.push(`${at}.${field}: read by a CEL rule but ${unbounded}`);
      if (isNode(child['items'])) {
        for (const [name, grandchild] of Object.entries(asNode(child['items']['properties']))) {
          const reason = unboundedReason(asNode(grandchild));
          if (reason) problems.push(`${at}.${field}[].${name}: iterated by a CEL rule but ${reason}`);
        }
      }
    }
  });
  return problems;
}

/**
 * Shallow CEL syntax check (no CEL implementation is installed; the API server parses the rules
 * for real when the CRD is applied): brackets balance outside string literals and quotes close.
 */
export function celSyntaxProblems(schema: SchemaNode): string[] {
  const problems: string[] = [];
  walkSchema(schema, (node, path) => {
    for (const v of validationsOf(node)) {
      for (const expression of [v.rule, v.messageExpression]) {
        if (expression === undefined) continue;
        const problem = bracketProblem(expression);
        if (problem) problems.push(`${path || '<root>'}: ${problem} in ${JSON.stringify(expression)}`);
      }
      if (v.message === undefined && v.messageExpression === undefined) problems.push(`${path || '<root>'}: rule ${JSON.stringify(v.rule)} has no message`);
    }
  });
  return problems;
}

/** The `x-kubernetes-validations` of a node (empty when it has none). */
export function validationsOf(node: SchemaNode): Validation[] {
  const rules = node['x-kubernetes-validations'];
  return Array.isArray(rules) ? (rules as Validation[]) : [];
}

function referencedFields(rules: readonly Validation[]): Set<string> {
  const fields = new Set<string>();
  for (const v of rules) {
    for (const expression of [v.rule, v.messageExpression ?? '']) {
      for (const m of withoutStrings(expression).matchAll(/\bself\.([A-Za-z_][A-Za-z0-9_]*)/g)) fields.add(m[1] ?? '');
    }
  }
  return fields;
}

function unboundedReason(node: SchemaNode): string | undefined {
  if (node['type'] === 'array' && typeof node['maxItems'] !== 'number') return 'the list has no maxItems';
  if (isNode(node['additionalProperties']) && typeof node['maxProperties'] !== 'number') return 'the map has no maxProperties';
  if (node['type'] === 'string' && typeof node['maxLength'] !== 'number' && !Array.isArray(node['enum'])) return 'the string has no maxLength';
  return undefined;
}

const CLOSING: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

function bracketProblem(expression: string): string | undefined {
  const stack: string[] = [];
  const code = withoutStrings(expression);
  if (/["']/.test(code)) return 'unterminated string literal';
  for (const ch of code) {
    if (ch === '(' || ch === '[' || ch === '{') stack.push(ch);
    const opener = CLOSING[ch];
    if (opener !== undefined && stack.pop() !== opener) return `unbalanced ${ch}`;
  }
  return stack.length > 0 ? `unclosed ${stack.join('')}` : undefined;
}

/** The expression with the content of complete string literals removed. */
function withoutStrings(expression: string): string {
  return expression.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''").replace(/''/g, '');
}

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asNode(value: unknown): SchemaNode {
  return isNode(value) ? value : {};
}
