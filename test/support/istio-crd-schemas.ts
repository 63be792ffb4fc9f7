/**
 * Validation of rendered Istio objects against Istio's real, upstream CRDs
 * (`kubernetes/customresourcedefinitions.gen.yaml` from the istio.io/api Go module pinned by
 * ISTIO_API_VERSION in scripts/harness/versions.sh, located by scripts/harness/istio-crds.sh).
 *
 * Each CRD version's openAPIV3Schema is compiled with ajv, with two departures from a plain
 * JSON-schema reading, both to match what the API server does with a structural schema:
 * - properties a schema does not declare are errors. The API server silently prunes them instead;
 *   for us a pruned field is a user's patch dropped without a word, so we report it. Objects marked
 *   `x-kubernetes-preserve-unknown-fields: true` keep unknown fields, as on the server.
 * - other `x-kubernetes-*` keywords are ignored, and `format` is not checked.
 *
 * Not covered: the CEL rules in `x-kubernetes-validations` cannot be evaluated here. The real
 * kube-apiserver evaluates them in the controller's integration tests, which apply these objects.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { expect } from 'vitest';
import { pointerToDotted, validateIstioObject } from '../../core/istio/validate.ts';
import { REPO_ROOT } from '../../dev/harness-artifacts.ts';
import { mapSubschemas } from '../../core/istio/schema-walk.ts';
import type { CrdDocument } from '../../scripts/istio-schemas.ts';

const ISTIO_GROUP = 'networking.istio.io';
/** A cold module download prints progress on stderr; leave room for all of it. */
const SCRIPT_OUTPUT_BYTES = 16 * 1024 * 1024;

type Schema = Record<string, unknown>;

let crdPath: string | undefined;
let crdDocuments: CrdDocument[] | undefined;
const validators = new Map<string, ValidateFunction>();

/**
 * Path of Istio's CRD YAML, from scripts/harness/istio-crds.sh (run once per process). Throws with
 * the script's stderr when it fails: these tests never pass without the real CRDs.
 */
export function istioCrdPath(): string {
  if (crdPath) return crdPath;
  const script = join(REPO_ROOT, 'scripts', 'harness', 'istio-crds.sh');
  let stdout: string;
  try {
    stdout = execFileSync(script, { encoding: 'utf8', maxBuffer: SCRIPT_OUTPUT_BYTES, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`scripts/harness/istio-crds.sh failed: ${e.message.split('\n')[0]}\n${e.stderr ?? ''}`);
  }
  const path = stdout.trim().split('\n').pop();
  if (!path) throw new Error('scripts/harness/istio-crds.sh printed no path');
  crdPath = path;
  return path;
}

/** The openAPIV3Schema Istio serves for `kind` at `version` (e.g. VirtualService, v1), as published. */
export function istioCrdSchema(kind: string, version: string): Schema {
  crdDocuments ??= parseAllDocuments(readFileSync(istioCrdPath(), 'utf8'))
    .map((d) => d.toJS() as CrdDocument | null)
    .filter((d): d is CrdDocument => d?.kind === 'CustomResourceDefinition');
  const crd = crdDocuments.find((d) => d.spec?.group === ISTIO_GROUP && d.spec.names?.kind === kind);
  if (!crd) throw new Error(`Istio's CRD file has no ${ISTIO_GROUP} CRD for kind ${kind}`);
  const served = crd.spec?.versions?.find((v) => v.name === version && v.served);
  const schema = served?.schema?.openAPIV3Schema;
  if (!schema) throw new Error(`Istio's ${kind} CRD serves no version ${version} with a schema`);
  return schema;
}

/**
 * Problems the CRD schema finds in `obj`, each as `<dotted path>: <message>`; empty when valid.
 * Objects that are not of a networking.istio.io kind and served version give one problem.
 */
export function validateAgainstIstioCrd(obj: unknown): string[] {
  const { apiVersion, kind } = (obj ?? {}) as { apiVersion?: unknown; kind?: unknown };
  const [group, version] = typeof apiVersion === 'string' ? apiVersion.split('/') : [];
  if (group !== ISTIO_GROUP || !version || typeof kind !== 'string') {
    return [`apiVersion/kind: no ${ISTIO_GROUP} CRD for ${String(apiVersion)} ${String(kind)}`];
  }
  const key = `${kind}/${version}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = compile(istioCrdSchema(kind, version));
    validators.set(key, validate);
  }
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : undefined;
    const extra = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : undefined;
    const path = pointerToDotted(e.instancePath);
    if (extra !== undefined) return `${path}.${extra}: unknown field (the API server would prune it)`;
    if (missing !== undefined) return `${path === '' ? '' : `${path}.`}${missing}: required field is missing`;
    return `${path}: ${e.message ?? e.keyword} (${JSON.stringify(e.params)})`;
  });
}

/**
 * Asserts that both core/istio/validate.ts (its problems labelled `package:`) and the validator
 * compiled here straight from the CRD file (`crd:`) find nothing wrong with `obj`.
 */
export function expectValidIstio(obj: unknown): void {
  const packageIssues = validateIstioObject(obj).map((i) => `${i.path}: ${i.message}`);
  const apiVersion = (obj as { apiVersion?: unknown } | null)?.apiVersion;
  const isIstio = typeof apiVersion === 'string' && apiVersion.startsWith(`${ISTIO_GROUP}/`);
  const crdIssues = isIstio ? validateAgainstIstioCrd(obj) : [];
  const problems = [...packageIssues.map((p) => `package: ${p}`), ...crdIssues.map((p) => `crd: ${p}`)];
  const { kind, metadata } = (obj ?? {}) as { kind?: unknown; metadata?: { name?: unknown } };
  const title = `${String(kind)} ${String(metadata?.name)} is not valid Istio/Kubernetes`;
  expect(problems, `${title}:\n  ${problems.join('\n  ')}\n`).toEqual([]);
}

function compile(crdSchema: Schema): ValidateFunction {
  const root = strictCopy(crdSchema);
  // The API server supplies these for every object; the CRD schemas leave them out.
  root.properties = {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    ...(root.properties as Record<string, Schema>),
  };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(root);
}

/**
 * A copy of a structural schema with `x-kubernetes-*` keywords removed and
 * `additionalProperties: false` on every object that declares properties, unless it preserves
 * unknown fields.
 */
function strictCopy(node: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-')) continue;
    out[key] = mapSubschemas(key, value, strictCopy);
  }
  const preserves = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties !== undefined && out.additionalProperties === undefined && !preserves) out.additionalProperties = false;
  return out;
}

