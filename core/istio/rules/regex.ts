import { RE2JS } from 're2js';
import { memoized } from './memo.ts';

/**
 * istiod refuses longer regexes (validateStringRegexp): Envoy bounds RE2's program size, which
 * istiod approximates by length.
 */
const MAX_REGEX_LENGTH = 1024;

/** Remembered: every filter of a chain re-checks its Router's regexes, and compiling is the cost. */
const compileRule = memoized((regex) => {
  try {
    RE2JS.compile(regex);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `must be an RE2 regex (Envoy and istiod use RE2: no lookaround, no backreferences): ${reason}`;
  }
});

/**
 * Why Envoy and istiod (both RE2) would refuse `regex`, or undefined when it compiles. RE2 has no
 * lookaround and no backreferences, so JavaScript's RegExp is the wrong judge; re2js is RE2's
 * parser ported to JavaScript and reports the same errors as Go's regexp, which istiod uses.
 */
export function re2Rule(regex: string): string | undefined {
  if (regex === '') return 'a regex must not be empty';
  if (regex.length > MAX_REGEX_LENGTH) return `a regex must be at most ${MAX_REGEX_LENGTH} characters (got ${regex.length})`;
  return compileRule(regex);
}
