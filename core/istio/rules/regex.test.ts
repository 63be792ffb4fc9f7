import { describe, expect, it } from 'vitest';
import { re2Rule } from './regex.ts';

const RE2 = 'must be an RE2 regex (Envoy and istiod use RE2: no lookaround, no backreferences): error parsing regexp:';

describe('re2Rule', () => {
  it.each([
    ['(.*[,\\s])?branch\\s*=\\s*box-1\\s*([,;].*)?', undefined],
    ['(?i)^/api/v[0-9]+/(?P<rest>.*)$', undefined],
    ['/api(?=/v1)', `${RE2} invalid or unsupported Perl syntax: \`(?=\``],
    ['/api(?<!x)', `${RE2} invalid named capture: \`(?<!x)\``],
    ['(a)\\1', `${RE2} invalid escape sequence: \`\\1\``],
    ['(abc', `${RE2} missing closing ): \`(abc\``],
    ['', 'a regex must not be empty'],
    ['a'.repeat(1025), 'a regex must be at most 1024 characters (got 1025)'],
  ])('%j', (regex, expected) => {
    expect(re2Rule(regex)).toBe(expected);
    // A second look comes from the memo and says the same.
    expect(re2Rule(regex)).toBe(expected);
  });
});
