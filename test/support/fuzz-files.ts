/**
 * Random manifest files for the CLI fuzz test: valid Routers with their IstioFilters (drawn until
 * the core renders them), mutated documents, live VirtualServices and DestinationRules, and
 * hostile bytes — garbage, invalid UTF-8, huge, deeply nested, alias bombs and recursive aliases,
 * duplicate keys, odd tags.
 */
import { stringify } from 'yaml';
import { KINDS } from '../../api/kinds.ts';
import { router as routerSchema } from '../../api/router.ts';
import { randomFilterDoc } from '../../core/fuzz/filter-gen.test-support.ts';
import { mutate } from '../../core/fuzz/mutate.test-support.ts';
import { chance, int, pick, type Rng } from '../../core/fuzz/prng.test-support.ts';
import { randomRouterDoc, type Doc } from '../../core/fuzz/router-gen.test-support.ts';
import { routerRouting } from '../../core/router/router-routing.ts';
import { unknownResourceFields } from '../../core/validation/unknown-fields.ts';

export interface FuzzFile {
  name: string;
  content: string | Uint8Array;
}

/** Bound on Router draws until one renders; most do. */
const MAX_DRAWS = 30;
const NOW = new Date('2030-01-01T12:00:00Z');

/** Whether the CLI reads `doc` as a `kind`: it parses and has no field the schema lacks. */
function readable(kind: 'Router' | 'IstioFilter', doc: Doc): boolean {
  const info = KINDS.find((k) => k.kind === kind);
  return info !== undefined && info.schema.safeParse(doc).success && unknownResourceFields(info, doc).length === 0;
}

const yaml = (docs: unknown[]): string => docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');

/** A Router named `name` that renders, its filters, and the pair they layer to (the live objects of a later plan). */
export function renderingRouter(rng: Rng, name: string): { docs: Doc[]; live: Doc[] } {
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const router = randomRouterDoc(rng, { name, namespace: 'shop' });
    const parsed = routerSchema.safeParse(router);
    if (!parsed.success || !readable('Router', router)) continue;
    const spec = parsed.data.spec;
    const aim = { name, namespace: 'shop', host: spec.host ?? `${name}.shop.svc.cluster.local`, routes: spec.subsets.map((s) => s.branch) };
    // Only filters the CLI reads: it refuses the whole input for one that does not parse or has unknown fields.
    const filters = Array.from({ length: int(rng, 4) }, (_, i) => randomFilterDoc(rng, aim, `${name}-f${i}`)).filter((f) => readable('IstioFilter', f));
    try {
      const routing = routerRouting(parsed.data, filters as never, NOW);
      return { docs: [router, ...filters], live: [routing.desired.destinationRule, routing.desired.virtualService] as unknown as Doc[] };
    } catch {
      continue;
    }
  }
  throw new Error(`no Router rendered in ${MAX_DRAWS} draws`);
}

/** Files of documents the schema mostly refuses: each a valid draw with one mutation. */
export function mutatedFile(rng: Rng, name: string): FuzzFile {
  const { docs, live } = renderingRouter(rng, name);
  const pool = chance(rng, 0.3) ? live : docs;
  const mutated = pool.map((d) => (chance(rng, 0.6) ? mutate(rng, d).doc : d));
  // Deeply nested values do not survive yaml's stringify (it recurses); JSON is YAML too.
  const text = mutated.map((d) => {
    try {
      return stringify(d, { lineWidth: 0 });
    } catch {
      return `${JSON.stringify({ apiVersion: 'switchyard.io/v1alpha1', kind: 'Router', metadata: { name }, spec: { deep: true } })}\n`;
    }
  });
  return { name: `${name}.yaml`, content: text.join('---\n') };
}

function garbage(rng: Rng, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => int(rng, 256));
}

/** Text of depth `levels`: flow sequences, flow mappings or block mappings nested in each other. */
function nested(kind: 'flow-seq' | 'flow-map' | 'block', levels: number): string {
  if (kind === 'flow-seq') return `spec: ${'['.repeat(levels)}1${']'.repeat(levels)}\n`;
  if (kind === 'flow-map') return `spec: ${'{a: '.repeat(levels)}1${'}'.repeat(levels)}\n`;
  return Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}a${i}:`).join('\n') + ' 1\n';
}

/** Alias bombs: each level a list of aliases of the one before. */
function aliasBomb(levels: number, width: number): string {
  const lines = ['a0: &a0 [lol]'];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]`);
  return `apiVersion: switchyard.io/v1alpha1\nkind: Router\nmetadata: {name: bomb}\nspec:\n  ${lines.join('\n  ')}\n`;
}

/** Hostile files, one of each kind, named by kind. */
export function hostileFiles(rng: Rng, seedRouter: string): FuzzFile[] {
  const router = yaml([randomRouterDoc(rng, { name: 'hostile', namespace: 'shop' })]);
  return [
    { name: 'garbage.yaml', content: garbage(rng, 4_096) },
    { name: 'nul-bytes.yaml', content: `kind: Router\napiVersion: switchyard.io/v1alpha1\nmetadata: {name: "a\u0000b"}\n\u0000\u0000` },
    { name: 'invalid-utf8.yaml', content: Uint8Array.from([...Buffer.from('kind: Router\nmetadata: {name: '), 0xc3, 0x28, 0xff, 0xfe, ...Buffer.from('}\n')]) },
    { name: 'bom-crlf.yaml', content: `\ufeff${router.replace(/\n/g, '\r\n')}` },
    { name: 'huge-value.yaml', content: `${router}---\napiVersion: switchyard.io/v1alpha1\nkind: Router\nmetadata: {name: huge}\nspec: {port: 80, subsets: [{branch: ${'b'.repeat(2_000_000)}}]}\n` },
    { name: 'many-documents.yaml', content: Array.from({ length: 300 }, (_, i) => `kind: Thing\nn: ${i}\n`).join('---\n') },
    { name: 'deep-flow-seq.yaml', content: nested('flow-seq', pick(rng, [5_000, 50_000])) },
    { name: 'deep-flow-map.yaml', content: nested('flow-map', 3_000) },
    { name: 'deep-block.yaml', content: nested('block', 2_000) },
    { name: 'alias-bomb.yaml', content: aliasBomb(9, 9) },
    { name: 'alias-recursive.yaml', content: 'apiVersion: switchyard.io/v1alpha1\nkind: Router\nmetadata: {name: loop}\nspec: &s {subsets: [*s]}\n' },
    { name: 'merge-keys.yml', content: `base: &b {port: 80}\n---\napiVersion: switchyard.io/v1alpha1\nkind: Router\nmetadata: {name: merged, namespace: shop}\nspec:\n  <<: *b\n  subsets: [{branch: main}]\n` },
    { name: 'duplicate-keys.yaml', content: 'apiVersion: switchyard.io/v1alpha1\nkind: Router\nkind: IstioFilter\nmetadata: {name: dup}\n' },
    { name: 'tags.yaml', content: `apiVersion: !!binary aGVsbG8=\nkind: !custom Router\nmetadata: {name: !!int 12}\nspec: !!set {a, b}\n---\n!!str 12\n---\n? [complex, key]\n: value\n` },
    { name: 'scalars-and-lists.json', content: `[1, 2, {"kind": "List", "items": "no"}]` },
    { name: 'list-kind.yaml', content: yaml([{ apiVersion: 'v1', kind: 'List', items: [1, null, { kind: 'Router' }, { apiVersion: 'switchyard.io/v1alpha1', kind: 'Router', metadata: { name: seedRouter } }] }]) },
    { name: 'empty.yaml', content: '' },
    { name: 'separators.yaml', content: '---\n---\n...\n---\n' },
    { name: 'tabs-and-junk.yaml', content: 'apiVersion:\tswitchyard.io/v1alpha1\n kind: Router\n\t- : :\n"unterminated\n' },
  ];
}
