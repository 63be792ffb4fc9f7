/**
 * Rule results by input, for rules whose inputs repeat: every destination of a Router names its
 * host, and every filter of a chain re-checks the Router's routes. Specs hold few distinct values;
 * a memo is cleared when it reaches this size, so no input can grow it without bound.
 */
const MEMO_LIMIT = 4096;

/** `rule` with its answers remembered (rules are pure functions of their input). */
export function memoized(rule: (input: string) => string | undefined): (input: string) => string | undefined {
  const judged = new Map<string, string | undefined>();
  return (input) => {
    if (judged.has(input)) return judged.get(input);
    if (judged.size >= MEMO_LIMIT) judged.clear();
    const result = rule(input);
    judged.set(input, result);
    return result;
  };
}
