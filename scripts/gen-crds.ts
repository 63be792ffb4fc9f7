/**
 * Writes `crds/` from the zod schemas in `api/` (`npm run gen:crds`).
 * With `--check` it writes nothing and exits 1 when a file in `crds/` is missing, changed or extra.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KINDS } from '../api/kinds.ts';
import { renderCrdFiles, staleCrdFiles } from './crd-files.ts';
import { CrdSchemaError } from './crd-schema.ts';

const CRD_DIR = fileURLToPath(new URL('../crds/', import.meta.url));

function readCrdDir(): Map<string, string> {
  mkdirSync(CRD_DIR, { recursive: true });
  const names = readdirSync(CRD_DIR).filter((name) => name.endsWith('.yaml'));
  return new Map(names.map((name) => [name, readFileSync(join(CRD_DIR, name), 'utf8')]));
}

function main(argv: readonly string[]): number {
  const expected = renderCrdFiles(KINDS);
  const stale = staleCrdFiles(expected, readCrdDir());
  if (argv.includes('--check')) {
    if (stale.length === 0) return 0;
    console.error(`crds/ is stale (${stale.map((name) => `crds/${name}`).join(', ')}); run npm run gen:crds and commit the result`);
    return 1;
  }
  for (const name of stale) {
    const content = expected.get(name);
    if (content === undefined) rmSync(join(CRD_DIR, name));
    else writeFileSync(join(CRD_DIR, name), content);
    console.log(`${content === undefined ? 'removed' : 'wrote'} crds/${name}`);
  }
  if (stale.length === 0) console.log('crds/ is up to date');
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
