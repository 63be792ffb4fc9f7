/**
 * Seeded randomness for the fuzz tests (test support). Every case draws from its own generator,
 * seeded from the run's seed and the case index, so a failure names `seed` and `case` and that one
 * case reproduces alone (`FUZZ_SEED=<seed> FUZZ_CASE=<case> npx vitest run <file>`).
 */

export type Rng = () => number;

/** mulberry32: a tiny seeded PRNG with good enough spread for test-case generation. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator of case `index` of a run seeded with `seed` (independent of the other cases). */
export function caseRng(seed: number, index: number): Rng {
  return mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}

/**
 * The run's seed and the cases to run: `FUZZ_SEED` (decimal or 0x hex) replaces `fixed`,
 * `FUZZ_CASES` the number of cases (to explore longer by hand), and `FUZZ_CASE` runs that one
 * case only. The defaults keep CI deterministic and bounded.
 */
export function fuzzRun(fixed: number, cases: number): { seed: number; indices: number[]; full: boolean } {
  const env = (name: string): string | undefined => (process.env[name] === '' ? undefined : process.env[name]);
  const seed = env('FUZZ_SEED') !== undefined ? Number(env('FUZZ_SEED')) >>> 0 : fixed;
  const count = env('FUZZ_CASES') !== undefined ? Number(env('FUZZ_CASES')) : cases;
  const only = env('FUZZ_CASE');
  const indices = only !== undefined ? [Number(only)] : Array.from({ length: count }, (_, i) => i);
  return { seed, indices, full: only === undefined && count >= cases };
}

/** How to run one failing case again, for assertion messages. */
export function reproduce(seed: number, index: number): string {
  return `seed 0x${seed.toString(16)} case ${index} (FUZZ_SEED=0x${seed.toString(16)} FUZZ_CASE=${index})`;
}

export const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
export const chance = (rng: Rng, p: number): boolean => rng() < p;
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)] as T;
export const someOf = <T>(rng: Rng, items: readonly T[], p: number): T[] => items.filter(() => rng() < p);

/** Weights over `names` summing to 100 (zeros allowed). */
export function weightsSumming100(rng: Rng, names: readonly string[]): Record<string, number> {
  const cuts = names.slice(1).map(() => int(rng, 101)).sort((x, y) => x - y);
  const bounds = [0, ...cuts, 100];
  return Object.fromEntries(names.map((n, i) => [n, (bounds[i + 1] as number) - (bounds[i] as number)]));
}

/** `{...}` with only the entries whose value is not undefined (optional fields drawn as absent). */
export function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** `value` with probability `p`, else undefined (an optional field). */
export function maybe<T>(rng: Rng, p: number, value: () => T): T | undefined {
  return rng() < p ? value() : undefined;
}
