import { describe, expect, it } from 'vitest';
import { findRejectedFilters } from './find-rejected-filters.ts';

const CHAIN = ['a', 'b', 'c', 'd', 'e'];

/** A server answering each layout of the chain with `refuses`; it records what it was asked. */
function server(refuses: (included: string[]) => string | undefined) {
  const asked: string[][] = [];
  const probe = (excluded: ReadonlySet<string>) => {
    const included = CHAIN.filter((f) => !excluded.has(f));
    asked.push(included);
    return Promise.resolve(refuses(included));
  };
  return { probe, asked };
}

const refusing = (...bad: string[]) => (included: string[]) => {
  const hit = included.filter((f) => bad.includes(f));
  return hit.length === 0 ? undefined : `denied: ${hit.join(',')}`;
};

describe('findRejectedFilters', () => {
  it('blames the Router when there is no filter, without a dry run', async () => {
    const s = server(() => 'never asked');
    expect(await findRejectedFilters([], 'denied: router', s.probe)).toEqual({ kind: 'router', message: 'denied: router' });
    expect(s.asked).toEqual([]);
  });

  it('blames the Router when it is refused with every filter left out', async () => {
    const s = server(() => 'denied: router');
    expect(await findRejectedFilters(CHAIN, 'denied: all', s.probe)).toEqual({ kind: 'router', message: 'denied: router' });
    expect(s.asked).toEqual([[]]);
  });

  it('finds the last filter with two dry runs (the Router alone, the chain without it)', async () => {
    const s = server(refusing('e'));
    expect(await findRejectedFilters(CHAIN, 'denied: e', s.probe)).toEqual({ kind: 'filters', rejected: new Map([['e', 'denied: e']]) });
    expect(s.asked).toEqual([[], ['a', 'b', 'c', 'd']]);
  });

  it.each([
    ['the first', ['a']],
    ['one in the middle', ['c']],
    ['two', ['b', 'd']],
    ['three, the last included', ['a', 'c', 'e']],
  ])('finds %s of the chain, each with the message the server gave when it was added', async (_, bad) => {
    const s = server(refusing(...bad));
    const verdict = await findRejectedFilters(CHAIN, `denied: ${bad.join(',')}`, s.probe);
    expect(verdict).toEqual({ kind: 'filters', rejected: new Map(bad.map((f) => [f, `denied: ${f}`])) });
    expect(s.asked.length).toBeLessThanOrEqual(1 + bad.length * (Math.ceil(Math.log2(CHAIN.length)) + 2));
  });

  it('blames the filter that breaks the chain built so far, not the one it builds on', async () => {
    // d is refused only on top of b (e.g. it patches a route b added): b itself is fine.
    const s = server((included) => (included.includes('b') && included.includes('d') ? 'denied: d after b' : undefined));
    expect(await findRejectedFilters(CHAIN, 'denied: d after b', s.probe)).toEqual({ kind: 'filters', rejected: new Map([['d', 'denied: d after b']]) });
  });
});
