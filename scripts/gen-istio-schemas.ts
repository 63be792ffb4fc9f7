/**
 * Writes core/istio/schemas/ from Istio's real CRDs (`npm run gen:istio-schemas`), fetched by
 * scripts/harness/istio-crds.sh at the pinned ISTIO_API_VERSION. With `--check` it writes nothing
 * and exits 1 when a file there is missing, changed or extra.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { istioCrdFile } from '../dev/harness-artifacts.ts';
import { staleCrdFiles } from './crd-files.ts';
import { ISTIO_SCHEMA_DIR, istioModuleOf, renderIstioSchemaFiles } from './istio-schemas.ts';

function readSchemaDir(): Map<string, string> {
  mkdirSync(ISTIO_SCHEMA_DIR, { recursive: true });
  const names = readdirSync(ISTIO_SCHEMA_DIR).filter((name) => name.endsWith('.json'));
  return new Map(names.map((name) => [name, readFileSync(join(ISTIO_SCHEMA_DIR, name), 'utf8')]));
}

async function main(argv: readonly string[]): Promise<number> {
  const crdPath = await istioCrdFile();
  const expected = renderIstioSchemaFiles(readFileSync(crdPath, 'utf8'), istioModuleOf(crdPath));
  const stale = staleCrdFiles(expected, readSchemaDir());
  if (argv.includes('--check')) {
    if (stale.length === 0) return 0;
    console.error(`core/istio/schemas/ is stale (${stale.join(', ')}); run npm run gen:istio-schemas and commit the result`);
    return 1;
  }
  for (const name of stale) {
    const content = expected.get(name);
    if (content === undefined) rmSync(join(ISTIO_SCHEMA_DIR, name));
    else writeFileSync(join(ISTIO_SCHEMA_DIR, name), content);
    console.log(`${content === undefined ? 'removed' : 'wrote'} core/istio/schemas/${name}`);
  }
  if (stale.length === 0) console.log('core/istio/schemas/ is up to date');
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // The CRD file could not be fetched or lacks a kind: say so without a stack trace.
  console.error(`cannot generate core/istio/schemas/: ${(err as Error).message}`);
  process.exitCode = 2;
}
