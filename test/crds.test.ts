import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KINDS } from '../api/kinds.ts';
import { CRD_HEADER, renderCrdFiles, staleCrdFiles } from '../scripts/crd-files.ts';
import { celBoundProblems, celSyntaxProblems, structuralProblems, validationsOf, walkSchema } from '../scripts/crd-lint.ts';
import type { SchemaNode } from '../scripts/crd-schema.ts';

const CRD_DIR = fileURLToPath(new URL('../crds/', import.meta.url));
const GEN_CRDS = fileURLToPath(new URL('../scripts/gen-crds.ts', import.meta.url));

function committedFiles(): Map<string, string> {
  const names = readdirSync(CRD_DIR).filter((name) => name.endsWith('.yaml'));
  return new Map(names.map((name) => [name, readFileSync(join(CRD_DIR, name), 'utf8')]));
}

/** The committed CRD of a kind, parsed, and its schema. */
function committedSchema(plural: string): SchemaNode {
  const crd = parse(readFileSync(join(CRD_DIR, `${plural}.switchyard.io.yaml`), 'utf8')) as SchemaNode;
  const spec = crd['spec'] as { versions: { schema: { openAPIV3Schema: SchemaNode } }[] };
  const schema = spec.versions[0]?.schema.openAPIV3Schema;
  if (!schema) throw new Error(`crds/${plural}.switchyard.io.yaml has no schema`);
  return schema;
}

/** CEL rules on the node at `path` (walkSchema path, e.g. `spec.subsets[]`). */
function rulesAt(schema: SchemaNode, path: string): string[] {
  let found: SchemaNode | undefined;
  walkSchema(schema, (node, p) => {
    if (p === path) found = node;
  });
  if (!found) throw new Error(`no schema node at ${path}`);
  return validationsOf(found).map((v) => v.rule);
}

describe('crds/', () => {
  it('holds exactly what api/ generates (run npm run gen:crds if this fails)', () => {
    expect(staleCrdFiles(renderCrdFiles(KINDS), committedFiles())).toStrictEqual([]);
  });

  it('gen-crds --check exits 0 on the committed tree', () => {
    expect(() => execFileSync(process.execPath, [GEN_CRDS, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it.each(KINDS.map((k) => k.plural))('%s: header, names, version and printer columns', (plural) => {
    const kind = KINDS.find((k) => k.plural === plural);
    const text = readFileSync(join(CRD_DIR, `${plural}.switchyard.io.yaml`), 'utf8');
    expect(text.startsWith(CRD_HEADER)).toBe(true);
    const crd = parse(text) as { metadata: SchemaNode; spec: { names: SchemaNode; versions: SchemaNode[]; group: string; scope: string } };
    expect(crd.metadata).toStrictEqual({ name: `${plural}.switchyard.io`, labels: { 'app.kubernetes.io/part-of': 'switchyard' } });
    expect([crd.spec.group, crd.spec.scope]).toStrictEqual(['switchyard.io', 'Namespaced']);
    expect(crd.spec.names).toStrictEqual({
      kind: kind?.kind,
      listKind: `${kind?.kind}List`,
      plural,
      singular: kind?.singular,
      shortNames: kind?.shortNames,
      categories: ['switchyard'],
    });
    expect(crd.spec.versions).toHaveLength(1);
    const version = crd.spec.versions[0];
    expect(version).toMatchObject({ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } });
    expect(version?.['additionalPrinterColumns']).toStrictEqual(kind?.printerColumns);
  });

  it.each(KINDS.map((k) => k.plural))('%s: the schema is structural and CEL cost is bounded', (plural) => {
    const schema = committedSchema(plural);
    expect(schema['required']).toStrictEqual(['spec']);
    expect(Object.keys(schema['properties'] as SchemaNode)).toStrictEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(structuralProblems(schema)).toStrictEqual([]);
    expect(celBoundProblems(schema)).toStrictEqual([]);
    expect(celSyntaxProblems(schema)).toStrictEqual([]);
  });

  it('free-form values are preserved, nothing else is said about them', () => {
    const filter = committedSchema('istiofilters');
    const paths: string[] = [];
    walkSchema(filter, (node, path) => {
      if (node['x-kubernetes-preserve-unknown-fields'] === true) {
        paths.push(path);
        expect(Object.keys(node).filter((k) => k !== 'type' && k !== 'x-kubernetes-preserve-unknown-fields')).toStrictEqual([]);
      }
    });
    expect(paths).toStrictEqual([
      'spec.patches[].trafficPolicy.connectionPool',
      'spec.patches[].trafficPolicy.outlierDetection',
      'spec.patches[].trafficPolicy.loadBalancer',
      'spec.patches[].trafficPolicy.tls',
      'spec.patches[].jsonPatch.ops[].value',
    ]);
  });

  it('expiresAt keeps format date-time', () => {
    const filter = committedSchema('istiofilters');
    const spec = filter['properties'] as { spec: { properties: { expiresAt: SchemaNode } } };
    expect(spec.spec.properties.expiresAt).toStrictEqual({ type: 'string', format: 'date-time' });
  });

  it.each([
    { plural: 'routers', path: 'spec.subsets[]', rule: '!has(self.versions) || size(self.versions) == 0 || self.versions.map(k, self.versions[k]).sum() == 100' },
    { plural: 'routers', path: 'spec', rule: 'self.subsets.all(a, self.subsets.exists_one(b, b.branch == a.branch))' },
    { plural: 'routers', path: 'spec', rule: 'self.subsets.filter(s, has(s.default) && s.default).size() <= 1' },
    { plural: 'istiofilters', path: 'spec', rule: '!has(self.priority) || (self.priority >= -1000 && self.priority <= 1000)' },
    { plural: 'istiofilters', path: 'spec.target', rule: 'has(self.router) != has(self.host)' },
    { plural: 'ratelimits', path: 'spec', rule: 'self.quota > 0' },
    { plural: 'ratelimits', path: 'spec.match.headers[]', rule: "self.matchType == 'present' || has(self.value)" },
  ])('$plural $path carries CEL rule $rule', ({ plural, path, rule }) => {
    expect(rulesAt(committedSchema(plural), path)).toContain(rule);
  });
});

describe('staleCrdFiles', () => {
  const expected = new Map([['a.yaml', 'A'], ['b.yaml', 'B']]);
  it.each([
    { name: 'up to date', actual: [['a.yaml', 'A'], ['b.yaml', 'B']], want: [] },
    { name: 'changed', actual: [['a.yaml', 'A'], ['b.yaml', 'old']], want: ['b.yaml'] },
    { name: 'missing', actual: [['b.yaml', 'B']], want: ['a.yaml'] },
    { name: 'no longer generated', actual: [['a.yaml', 'A'], ['b.yaml', 'B'], ['c.yaml', 'C']], want: ['c.yaml'] },
  ] as { name: string; actual: [string, string][]; want: string[] }[])('$name', ({ actual, want }) => {
    expect(staleCrdFiles(expected, new Map(actual))).toStrictEqual(want);
  });
});
