/**
 * Writes `crds/` and the Helm chart's `deploy/helm/switchyard/crds/` from the zod schemas in `api/`
 * (`npm run gen:crds`). With `--check` it writes nothing and exits 1 when a file in either is
 * missing, changed or extra.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KINDS } from '../api/kinds.ts';
import { KUSTOMIZATION, renderCrdFiles, staleCrdFiles } from './crd-files.ts';
import { CrdSchemaError } from './crd-schema.ts';

const CRD_DIR = fileURLToPath(new URL('../crds/', import.meta.url));
/** The Helm chart's crds/ (Helm installs them before the templates): the same CRD files, no kustomization. */
const CHART_CRD_DIR = fileURLToPath(new URL('../deploy/helm/switchyard/crds/', import.meta.url));

function readYamlDir(dir: string): Map<string, string> {
  mkdirSync(dir, { recursive: true });
  const names = readdirSync(dir).filter((name) => name.endsWith('.yaml'));
  return new Map(names.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}

/** Each generated directory, relative to the repository, with the files it should hold. */
function targets(): { dir: string; label: string; expected: Map<string, string> }[] {
  const expected = renderCrdFiles(KINDS);
  const chart = new Map([...expected].filter(([name]) => name !== KUSTOMIZATION));
  return [
    { dir: CRD_DIR, label: 'crds', expected },
    { dir: CHART_CRD_DIR, label: 'deploy/helm/switchyard/crds', expected: chart },
  ];
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  let stale = 0;
  for (const { dir, label, expected } of targets()) {
    const names = staleCrdFiles(expected, readYamlDir(dir));
    stale += names.length;
    if (check) {
      if (names.length > 0) console.error(`${label}/ is stale (${names.map((name) => `${label}/${name}`).join(', ')}); run npm run gen:crds and commit the result`);
      continue;
    }
    for (const name of names) {
      const content = expected.get(name);
      if (content === undefined) rmSync(join(dir, name));
      else writeFileSync(join(dir, name), content);
      console.log(`${content === undefined ? 'removed' : 'wrote'} ${label}/${name}`);
    }
  }
  if (check) return stale === 0 ? 0 : 1;
  if (stale === 0) console.log('crds/ and the chart\'s crds/ are up to date');
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  // A schema the API server would refuse: say which node and why, without a stack trace.
  if (!(err instanceof CrdSchemaError)) throw err;
  console.error(`cannot generate crds/: ${err.message}`);
  process.exitCode = 2;
}
