import { describe, expect, it } from 'vitest';
import { escapeKeyPart, fixedWindowKey, slidingWindowKey, tokenBucketKey } from './counter-key.ts';

describe('counter keys', () => {
  const page = [
    { key: 'switchyard_ratelimit', value: 'sm-verify.page-show' },
    { key: 'header_match', value: ':path == /Page.Show' },
  ];
  it('has the reference shape: prefix, domain, key_value pairs, window start in seconds', () => {
    expect(fixedWindowKey('sy_', 'switchyard', page, 1_700_000_000_000)).toBe(
      'sy_switchyard_switchyard%5Fratelimit_sm-verify.page-show_header%5Fmatch_:path%20==%20/Page.Show_1700000000',
    );
    expect(tokenBucketKey('', 'edge', [{ key: 'k', value: 'v' }])).toBe('edge_k_v_gcra');
    expect(slidingWindowKey('', 'edge', [{ key: 'k', value: 'v' }])).toBe('edge_k_v_sliding');
  });
  it.each<[string, string, string]>([
    ['separator', 'a_b', 'a%5Fb'],
    ['escape character', '100%', '100%25'],
    ['hash tag braces', '{slot}', '%7Bslot%7D'],
    ['non-ASCII', 'é', '%u00E9'],
    ['astral (two code units)', '😀', '%uD83D%uDE00'],
    ['lone surrogate', '\uD800x', '%uD800x'],
    ['empty', '', ''],
  ])('escapes %s', (_what, text, escaped) => {
    expect(escapeKeyPart(text)).toBe(escaped);
  });
  it('keeps descriptors that would join to the same text apart', () => {
    const keys = [
      fixedWindowKey('', 'd', [{ key: 'a_b', value: 'c' }], 0),
      fixedWindowKey('', 'd', [{ key: 'a', value: 'b_c' }], 0),
      fixedWindowKey('', 'd', [{ key: 'a', value: 'b' }, { key: 'c', value: '' }], 0),
      fixedWindowKey('', 'd_a', [{ key: 'b', value: 'c' }], 0),
      fixedWindowKey('', 'd', [{ key: 'a', value: 'b%5Fc' }], 0),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
