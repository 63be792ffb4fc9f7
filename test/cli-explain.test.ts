import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Explanation } from '../core/explain/types.ts';
import { examples, fixture, noStackTrace, run } from './support/cli-run.ts';

describe('switchyard render --explain', () => {
  it('annotates every field with its origin and names the value a later filter overwrote', () => {
    const r = run('render', '--explain', '-f', join(examples, '02-three-version-canary.yaml'), '-f', join(examples, '06-two-owners.yaml'), '-f', join(examples, '03-chaos-fault-with-expiry.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('#   2. bookinfo/mesh-ui-overrides  priority 10  Applied: applied 3 patches');
    expect(r.stdout).toMatch(/^ {4}timeout: 4s +# IstioFilter bookinfo\/mesh-ui-overrides patch 0 \(timeout\), priority 10; overwrote 2s set by IstioFilter bookinfo\/sre-baseline patch 0 \(timeout\), priority 0$/m);
    expect(r.stdout).toMatch(/^ {6}weight: \d+ +# Router$/m);
    expect(r.stdout).toMatch(/^ +x-mesh-ui: "on" +# IstioFilter bookinfo\/mesh-ui-overrides patch 2 \(jsonPatch add \/http\/0\/headers\/request\), priority 10$/m);
  });

  it('-o json: the final objects equal what plain render prints, every leaf with an origin', () => {
    const plain = parseAllDocuments(run('render', '-f', examples).stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace: string } });
    const r = run('render', '--explain', '-o', 'json', '-f', examples);
    expect(r.code).toBe(0);
    const explained = JSON.parse(r.stdout) as Explanation[];
    expect(explained).toHaveLength(3);
    for (const e of explained) {
      for (const p of [e.virtualService, e.destinationRule]) {
        expect(p.object).toEqual(plain.find((o) => o.kind === p.kind && o.metadata.name === p.name && o.metadata.namespace === p.namespace));
        expect(p.fields.length).toBeGreaterThan(5);
        expect(p.fields.every((f) => f.setBy.by === 'Router' || f.setBy.by === 'IstioFilter')).toBe(true);
      }
    }
    const yaml = run('render', '--explain', '-o', 'yaml', '-f', examples);
    expect(parseAllDocuments(yaml.stdout).map((d) => d.toJS() as Explanation)).toEqual(explained);
  });

  it('refuses an unknown output format and --explain on other commands with exit 2', () => {
    const bad = run('render', '--explain', '-o', 'table', '-f', examples);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--output must be text, json or yaml with --explain (got table)');
    const plan = run('plan', '--explain', '-f', examples, '--live', examples);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('--explain is a render option (got it with plan)');
  });

  it('refuses invalid input with exit 1, naming the problem, without a stack trace', () => {
    const r = run('render', '--explain', '-f', fixture('invalid.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('weights of branch master must sum to 100 (got 110)');
    expect(r.stderr).toContain('nothing explained');
    noStackTrace(r.stderr);
  });
});
