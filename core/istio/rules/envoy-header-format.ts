/**
 * Envoy's syntax for header values a route sets: literal text where `%%` is a literal `%` and
 * `%NAME%` or `%NAME(args)%` is a variable. Istio's webhook refuses what Envoy's parser would
 * (istio/istio pkg/config/validation/header_value_validator.go, a port of Envoy's
 * source/common/router/header_parser.cc); this follows the same states.
 */

type State = 'literal' | 'name' | 'argsStart' | 'argStart' | 'arg' | 'argEnd' | 'argsEnd' | 'variableEnd';

/** Outcome of one character: the next state, how many characters to skip, or a parse error. */
type Step = { state: State; skip?: number } | { error: string };

const SPACE = ' ';

function literalStep(value: string, pos: number): Step {
  if (value[pos] !== '%') return { state: 'literal' };
  if (pos + 1 >= value.length) return { error: "an unescaped '%' at the end (write %% for a literal %)" };
  return value[pos + 1] === '%' ? { state: 'literal', skip: 1 } : { state: 'name' };
}

function argStep(value: string, pos: number): Step {
  const ch = value[pos];
  if (ch === '\\') return pos + 1 < value.length ? { state: 'arg', skip: 1 } : { error: 'an unterminated backslash in a %VARIABLE(...)% argument' };
  if (ch === ')') return { state: 'variableEnd' };
  return { state: ch === '"' ? 'argEnd' : 'arg' };
}

function step(state: State, value: string, pos: number): Step {
  const ch = value[pos];
  switch (state) {
    case 'literal':
      return literalStep(value, pos);
    case 'name':
      return { state: ch === '%' ? 'literal' : ch === '(' ? 'argsStart' : 'name' };
    case 'argsStart':
      return { state: ch === '[' ? 'argStart' : ch === SPACE ? 'argsStart' : 'arg' };
    case 'argStart':
      if (ch === '"') return { state: 'arg' };
      return ch === SPACE ? { state } : { error: "expected '\"' to open an argument of a %VARIABLE([...])%" };
    case 'arg':
      return argStep(value, pos);
    case 'argEnd':
      if (ch === ',') return { state: 'argStart' };
      if (ch === ']') return { state: 'argsEnd' };
      return ch === SPACE ? { state } : { error: "expected ',', ']' or a space after an argument of a %VARIABLE([...])%" };
    case 'argsEnd':
      if (ch === ')') return { state: 'variableEnd' };
      return ch === SPACE ? { state } : { error: "expected ')' after the arguments of a %VARIABLE([...])%" };
    case 'variableEnd':
      if (ch === '%') return { state: 'literal' };
      return ch === SPACE ? { state } : { error: "expected '%' to close a %VARIABLE(...)%" };
  }
}

/** Why Envoy would refuse `value` as a header value format, or undefined when it parses. */
export function envoyHeaderFormatRule(value: string): string | undefined {
  let state: State = 'literal';
  for (let pos = 0; pos < value.length; pos++) {
    const next = step(state, value, pos);
    if ('error' in next) return next.error;
    state = next.state;
    pos += next.skip ?? 0;
  }
  return state === 'literal' ? undefined : "an unterminated %VARIABLE% (write %% for a literal %)";
}
