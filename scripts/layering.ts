/**
 * The floor plan, as data: which top-level folder may import which, and which packages the pure
 * core may load. `test/layering.test.ts` checks every non-test source file against it.
 *
 *   cli ─┐   bench ─► dev ─► controllers ─┬─► core ─► api ─► lib
 *        │                   ratelimit ───┤
 *        └──────────────────────────────► │   kube ─► lib
 *   operator (kubectl plugin, dashboard) ─┘
 *
 * Arrows point down: a layer never imports one above it, and nothing outside tests imports test/.
 */
import { dirname, join, normalize, relative } from 'node:path';

/** Folders each top-level folder may import from (itself is always allowed). */
export const ALLOWED_FOLDERS: Record<string, readonly string[]> = {
  lib: [],
  api: ['lib'],
  core: ['api', 'lib'],
  kube: ['lib'],
  controllers: ['api', 'core', 'kube', 'lib'],
  ratelimit: ['api', 'core', 'kube', 'lib'],
  dev: ['api', 'core', 'kube', 'lib', 'controllers', 'ratelimit'],
  bench: ['api', 'core', 'kube', 'lib', 'controllers', 'ratelimit', 'dev'],
  cli: ['api', 'core', 'lib'],
  operator: ['api', 'core', 'kube', 'lib'],
  scripts: ['api', 'core', 'kube', 'lib', 'dev'],
};

/**
 * Packages the pure core (and lib, api) may load: no `node:` module, no client library, no I/O.
 * Everything else (Node built-ins included) is refused there. `re2js` is RE2 ported to plain
 * JavaScript: Envoy and istiod compile route regexes with RE2, whose syntax differs from
 * JavaScript's RegExp (no lookaround, no backreferences), so the core checks them with it.
 */
export const PURE_PACKAGES: readonly string[] = ['zod', 'immer', 'fast-json-patch', 'yaml', 'ajv', 're2js'];
const PURE_FOLDERS = new Set(['lib', 'api', 'core']);
/** Packages the offline CLI must never load, so `switchyard render` works with no cluster libraries. */
const CLIENT_PACKAGES = ['@kubernetes/client-node', 'ioredis', '@grpc/grpc-js', '@grpc/proto-loader'];

export interface ImportViolation {
  file: string;
  specifier: string;
  rule: string;
}

/** The import specifiers of one source file (static, dynamic and type-only imports, and re-exports). */
export function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(pattern)) found.push((m[1] ?? m[2] ?? m[3])!);
  return found;
}

/** The top-level folder of a repository-relative path ('' for files at the root). */
export function topFolder(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Checks one file's imports against the floor plan; `file` is relative to the repository root. */
export function checkImports(file: string, specifiers: readonly string[]): ImportViolation[] {
  const from = topFolder(file);
  const violations: ImportViolation[] = [];
  for (const specifier of specifiers) {
    if (specifier.startsWith('.')) {
      const target = normalize(join(dirname(file), specifier));
      const to = topFolder(target);
      if (to === 'test') violations.push({ file, specifier, rule: 'nothing outside test/ and *.test.ts imports from test/' });
      else if (to !== from && from in ALLOWED_FOLDERS && !ALLOWED_FOLDERS[from]!.includes(to)) {
        violations.push({ file, specifier, rule: `${from}/ may import only ${[from, ...ALLOWED_FOLDERS[from]!].join(', ')}; not ${to || relative('.', target)}` });
      }
      continue;
    }
    const pkg = packageName(specifier);
    if (PURE_FOLDERS.has(from) && !PURE_PACKAGES.includes(pkg)) {
      violations.push({ file, specifier, rule: `${from}/ is pure: it may load only ${PURE_PACKAGES.join(', ')} (no node: module, no client library)` });
    } else if (from === 'cli' && CLIENT_PACKAGES.includes(pkg)) {
      violations.push({ file, specifier, rule: 'cli/ is offline: it never loads a client library' });
    }
  }
  return violations;
}

/** Cycles in the graph of top-level folders (each cycle listed once, as a path). */
export function folderCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (node: string, path: string[]): void => {
    const at = path.indexOf(node);
    if (at >= 0) {
      const cycle = path.slice(at);
      const key = [...cycle].sort().join(',');
      if (!seen.has(key)) { seen.add(key); cycles.push([...cycle, node]); }
      return;
    }
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
  };
  for (const node of edges.keys()) visit(node, []);
  return cycles;
}
