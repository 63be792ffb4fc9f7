import { describe, expect, it } from 'vitest';
import { specEqual } from './spec-equal.ts';

describe('specEqual', () => {
  it.each<[string, unknown, unknown, boolean]>([
    ['key order ignored', { a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }, true],
    ['undefined key = absent', { a: 1, b: undefined }, { a: 1 }, true],
    ['array order counts', [1, 2], [2, 1], false],
    ['array length counts', [1], [1, 1], false],
    ['value differs deep down', { a: [{ b: 'x' }] }, { a: [{ b: 'y' }] }, false],
    ['extra key', { a: 1 }, { a: 1, b: 2 }, false],
    ['null is not absent', { a: null }, {}, false],
    ['array is not object', { 0: 'a' }, ['a'], false],
    ['number vs string', { a: 1 }, { a: '1' }, false],
    ['primitives', 'x', 'x', true],
  ])('%s', (_name, a, b, expected) => {
    expect(specEqual(a, b)).toBe(expected);
    expect(specEqual(b, a)).toBe(expected);
  });
});
