import { quoteValue } from '../istio/rules/rule-problem.ts';

/**
 * The one error the Router renderer throws: a spec that passed schema validation but cannot be
 * rendered, or renders into objects Istio would refuse (two branch×version pairs that normalise
 * to the same subset name, a header regex RE2 cannot compile, …). `field` is the JSON path of the
 * offending field (`spec.subsets[1].versions.v1_0`); the message names the field, the rule broken
 * and the value received (long values cut).
 */
export class RenderError extends Error {
  readonly field: string;
  readonly rule: string;
  readonly value: unknown;

  constructor(field: string, rule: string, value: unknown) {
    super(`${field}: ${rule} (got ${quoteValue(value)})`);
    this.name = 'RenderError';
    this.field = field;
    this.rule = rule;
    this.value = value;
  }
}
