/**
 * The one error the RateLimit renderer throws: a spec that cannot be turned into Envoy config.
 * `field` is the path inside the RateLimit (e.g. `spec.match.remoteAddress`); the message names
 * that field, the rule broken and the value received.
 */
export class RateLimitRenderError extends Error {
  readonly field: string;
  readonly detail: string;

  constructor(field: string, detail: string) {
    super(`${field}: ${detail}`);
    this.name = 'RateLimitRenderError';
    this.field = field;
    this.detail = detail;
  }
}
