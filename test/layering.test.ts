import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkImports, folderCycles, importSpecifiers, topFolder } from '../scripts/layering.ts';

const ROOT = join(import.meta.dirname, '..');
const isTestCode = (f: string): boolean => f.startsWith('test/') || /\.test(-support)?\.ts$/.test(f) || f.endsWith('.test.ts');

function sourceFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { cwd: ROOT, encoding: 'utf8' });
  return listed.split('\n').filter((f) => f && !isTestCode(f) && topFolder(f) !== '');
}

describe('the floor plan', () => {
  const files = sourceFiles().map((file) => ({ file, specifiers: importSpecifiers(readFileSync(join(ROOT, file), 'utf8')) }));

  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(new Set(files.map((f) => topFolder(f.file)))).toEqual(new Set(['api', 'bench', 'cli', 'controllers', 'core', 'dev', 'kube', 'lib', 'operator', 'ratelimit', 'scripts']));
  });

  it('every import points down', () => {
    const violations = files.flatMap(({ file, specifiers }) => checkImports(file, specifiers));
    expect(violations.map((v) => `${v.file}: import '${v.specifier}': ${v.rule}`)).toEqual([]);
  });

  it('no cycle between top-level folders', () => {
    const edges = new Map<string, Set<string>>();
    for (const { file, specifiers } of files) {
      for (const s of specifiers.filter((x) => x.startsWith('.'))) {
        const to = topFolder(normalize(join(dirname(file), s)));
        const from = topFolder(file);
        if (to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(folderCycles(edges)).toEqual([]);
  });
});

describe('checkImports', () => {
  it.each([
    ['core/router/x.ts', '../../kube/apply.ts', 'core/ may import only core, api, lib; not kube'],
    ['core/router/x.ts', 'node:fs', 'core/ is pure: it may load only zod, immer, fast-json-patch, yaml, ajv, re2js (no node: module, no client library)'],
    ['core/router/x.ts', '@kubernetes/client-node', 'core/ is pure: it may load only zod, immer, fast-json-patch, yaml, ajv, re2js (no node: module, no client library)'],
    ['kube/apply.ts', '../core/istio/types.ts', 'kube/ may import only kube, lib; not core'],
    ['kube/apply.ts', '../controllers/kinds.ts', 'kube/ may import only kube, lib; not controllers'],
    ['ratelimit/main.ts', '../controllers/kinds.ts', 'ratelimit/ may import only ratelimit, api, core, kube, lib; not controllers'],
    ['dev/x.ts', '../test/support/eventually.ts', 'nothing outside test/ and *.test.ts imports from test/'],
    ['cli/main.ts', '@kubernetes/client-node', 'cli/ is offline: it never loads a client library'],
    ['cli/main.ts', '../kube/apply.ts', 'cli/ may import only cli, api, core, lib; not kube'],
  ])('%s importing %s is refused: %s', (file, specifier, rule) => {
    expect(checkImports(file, [specifier])).toEqual([{ file, specifier, rule }]);
  });

  it.each([
    ['core/router/x.ts', '../../api/router.ts'],
    ['core/router/x.ts', 'immer'],
    ['controllers/main.ts', '../kube/manager.ts'],
    ['dev/x.ts', '../controllers/main.ts'],
    ['cli/main.ts', 'node:fs'],
  ])('%s importing %s is allowed', (file, specifier) => {
    expect(checkImports(file, [specifier])).toEqual([]);
  });

  it('reads static, type-only, dynamic and re-export specifiers', () => {
    const src = "import { a } from './a.ts';\nimport type { B } from '../b.ts';\nexport { c } from './c.ts';\nconst d = await import('./d.ts');\nimport './e.ts';\n";
    expect(importSpecifiers(src)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts', './e.ts']);
  });

  it('finds a cycle between folders', () => {
    const edges = new Map([['ratelimit', new Set(['controllers'])], ['controllers', new Set(['ratelimit'])], ['core', new Set(['api'])]]);
    expect(folderCycles(edges)).toEqual([['ratelimit', 'controllers', 'ratelimit']]);
  });
});
