import { stringify } from 'yaml';

/**
 * Scalars written the YAML 1.1 way: kubectl and istioctl read YAML with a 1.1 parser, where an
 * unquoted `on`, `yes`, `n` or `2026-01-01` is a boolean or a timestamp, so a header value `on`
 * printed bare would reach the API server as `true`. Quoting them is still the same string in 1.2.
 */
export const YAML_OPTIONS = { lineWidth: 0, version: '1.1' } as const;

/** YAML for humans and diff tools: no line folding, so output is byte-stable; documents joined by `---`. */
export function toYaml(objects: unknown[]): string {
  return objects.map((o) => stringify(o, YAML_OPTIONS)).join('---\n');
}
