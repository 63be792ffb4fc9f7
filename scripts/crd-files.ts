import { stringify } from 'yaml';
import type { KindInfo } from '../api/kinds.ts';
import { GROUP } from '../api/meta.ts';
import { celBoundProblems, celSyntaxProblems, structuralProblems } from './crd-lint.ts';
import { CrdSchemaError, crdFor, type SchemaNode } from './crd-schema.ts';

export const CRD_HEADER = '# generated from api/ by npm run gen:crds; do not edit\n';
export const KUSTOMIZATION = 'kustomization.yaml';

/** YAML options: no line folding (long CEL rules stay on one line), no anchors for repeated nodes. */
const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/** Name of a kind's CRD file in `crds/`. */
export function crdFileName(kind: KindInfo): string {
  return `${kind.plural}.${GROUP}.yaml`;
}

/** The `openAPIV3Schema` of a CRD made by `crdFor`. */
export function openApiSchemaOf(crd: SchemaNode): SchemaNode {
  const spec = crd['spec'] as { versions: { schema: { openAPIV3Schema: SchemaNode } }[] };
  const version = spec.versions[0];
  if (version === undefined) throw new CrdSchemaError(`${String(crd['kind'])} has no version`);
  return version.schema.openAPIV3Schema;
}

/** `crdFor(kind)`, refusing a schema the API server would reject (structure or CEL cost bounds). */
export function checkedCrdFor(kind: KindInfo): SchemaNode {
  const crd = crdFor(kind);
  const schema = openApiSchemaOf(crd);
  const problems = [...structuralProblems(schema), ...celBoundProblems(schema), ...celSyntaxProblems(schema)];
  if (problems.length > 0) throw new CrdSchemaError(`${kind.kind}:\n  ${problems.join('\n  ')}`);
  return crd;
}

/** Every file `crds/` should hold: one CRD per kind plus a kustomization listing them. Pure. */
export function renderCrdFiles(kinds: readonly KindInfo[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const kind of kinds) files.set(crdFileName(kind), CRD_HEADER + stringify(checkedCrdFor(kind), YAML_OPTIONS));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: kinds.map(crdFileName).sort(),
  };
  files.set(KUSTOMIZATION, CRD_HEADER + stringify(kustomization, YAML_OPTIONS));
  return files;
}

/**
 * Files whose content on disk differs from `expected`: missing, changed, or present on disk but no
 * longer generated (`actual` maps every file found in `crds/` to its content). Sorted by name.
 */
export function staleCrdFiles(expected: ReadonlyMap<string, string>, actual: ReadonlyMap<string, string>): string[] {
  const names = new Set([...expected.keys(), ...actual.keys()]);
  return [...names].filter((name) => expected.get(name) !== actual.get(name)).sort();
}
