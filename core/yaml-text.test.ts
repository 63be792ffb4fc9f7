import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { toYaml } from './yaml-text.ts';

describe('toYaml', () => {
  it('reads back as the same strings with a YAML 1.1 parser (kubectl, istioctl), not as booleans or timestamps', () => {
    const objects = [
      { kind: 'VirtualService', spec: { http: [{ headers: { request: { set: { 'x-debug': 'on', 'x-canary': 'yes', 'x-flag': 'n', 'x-day': '2026-01-01', 'x-none': '~' } } } }] } },
      { kind: 'DestinationRule', spec: { subsets: [{ name: 'v1', labels: { enabled: 'off', version: '1.10' } }] } },
    ];
    const text = toYaml(objects);
    for (const version of ['1.1', '1.2'] as const) {
      const read = parseAllDocuments(text, { version }).map((d) => d.toJS());
      expect(read, `YAML ${version}`).toEqual(objects);
    }
    expect(text).toContain('x-debug: "on"');
  });
});
