import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './closest-name.ts';
import { cutText, MAX_QUOTED_CHARS } from './cut-text.ts';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['version', 'versions', 1],
    ['verisons', 'versions', 1],
    ['adpot', 'adopt', 1],
    ['kitten', 'sitting', 3],
    ['port', 'foo', 3],
  ])('%j → %j is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closestName', () => {
  const spec = ['port', 'protocol', 'targetPort', 'host', 'subsets', 'trafficPolicy', 'ownService', 'adopt'];
  it.each([
    ['subset', 'subsets'],
    ['adpot', 'adopt'],
    ['ownservice', 'ownService'],
    ['trafficPolcy', 'trafficPolicy'],
    ['prot', 'port'],
    ['foo', undefined],
    ['weights', undefined],
    ['port', undefined],
    ['x'.repeat(10_000), undefined],
    ['hots', 'host'],
  ])('%j → %j', (name, expected) => {
    expect(closestName(name, spec)).toBe(expected);
  });

  it('prefers the nearer candidate, then the earlier one', () => {
    expect(closestName('versions', ['version', 'versions2'])).toBe('version');
    expect(closestName('hots', ['host', 'hosts'])).toBe('host');
  });

  it('suggests nothing for a one- or two-letter name that shares too little', () => {
    expect(closestName('c', ['b'])).toBeUndefined();
    expect(closestName('ab', ['ac'])).toBeUndefined();
  });
});

describe('cutText', () => {
  it('keeps short text and cuts long text to the limit, ending in …', () => {
    expect(cutText('a'.repeat(MAX_QUOTED_CHARS))).toBe('a'.repeat(MAX_QUOTED_CHARS));
    expect(cutText('a'.repeat(200))).toBe(`${'a'.repeat(79)}…`);
    expect(cutText('abcdef', 4)).toBe('abc…');
  });

  it('never splits a surrogate pair', () => {
    expect(cutText(`ab${'😀'.repeat(5)}`, 4)).toBe('ab…');
  });
});
