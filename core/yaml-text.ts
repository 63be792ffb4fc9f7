import { stringify } from 'yaml';

/** YAML for humans and diff tools: no line folding, so output is byte-stable; documents joined by `---`. */
export function toYaml(objects: unknown[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}
