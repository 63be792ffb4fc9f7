/**
 * A quota configuration that cannot be loaded. The message names the origin (file), the field
 * path inside it, the rule broken and the value received, e.g.
 * `quotas.yaml: descriptors[0].rate_limit.unit: must be one of second, minute, hour, day, week, month, year (got "fortnight")`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly origin: string;
  readonly field: string;

  constructor(origin: string, field: string, detail: string) {
    super(field === '' ? `${origin}: ${detail}` : `${origin}: ${field}: ${detail}`);
    this.origin = origin;
    this.field = field;
  }
}

/** A short rendering of a received value for config error messages. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
