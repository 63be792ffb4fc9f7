import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, run } from './support/cli-run.ts';

describe('bad input exits 1, naming file and document', () => {
  it('refuses a YAML alias bomb', () => {
    const file = fixture('alias-bomb.yaml');
    const r = run('validate', '-f', file);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file}#0: YAML: aliases expand to too many nodes (more than maxAliasCount 100), as in an alias bomb`,
      'switchyard validate: 1 problem(s)',
    ]);
  });

  it('refuses documents that are not objects, List items that are not, and recursive aliases', () => {
    const file = fixture('not-objects.yaml');
    const r = run('render', '-f', file);
    expect([r.code, r.stdout]).toEqual([1, '']);
    const notObject = 'must be a Kubernetes object (a mapping with apiVersion and kind), got';
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file}#0: ${notObject} a list (received: [{"apiVersion":"switchyard.io/v1alpha1","kind":"Router"}])`,
      `${file}#1: ${notObject} a string (received: "just a string")`,
      `${file}#2: ${notObject} a number (received: 42)`,
      `${file}#3: items[1]: ${notObject} a string (received: "not an object")`,
      `${file}#4: YAML: an alias refers to a node that contains it (a recursive structure)`,
      'switchyard render: 5 problem(s); nothing rendered',
    ]);
  });

  it('cuts long values in messages at 80 characters', () => {
    const file = fixture('long-value.yaml');
    const r = run('validate', '-f', file);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file}#0: spec.subsets[0].branch: Too big: expected string to have <=40 characters (received: "${'b'.repeat(78)}…)`,
      'switchyard validate: 1 problem(s)',
    ]);
  });

  it('names a symlink loop in a directory as such', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    mkdirSync(join(dir, 'manifests'));
    symlinkSync('..', join(dir, 'manifests', 'up'));
    symlinkSync('self.yaml', join(dir, 'manifests', 'self.yaml'));
    const r = run('validate', '-f', dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${join(dir, 'manifests', 'self.yaml')}#0: symlink loop: too many levels of symbolic links`,
      `${join(dir, 'manifests', 'up')}#0: symlink loop: leads back to ${dir}`,
      'switchyard validate: 2 problem(s)',
    ]);
  });

  it('refuses a resource given twice (same kind, namespace and name), naming both places', () => {
    const dir = fixture('duplicates');
    const r = run('validate', '-f', dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${join(dir, 'b.yaml')}#0: metadata.name: Router default/web is defined twice: here and at ${join(dir, 'a.yaml')}#0`,
      `${join(dir, 'b.yaml')}#1: metadata.name: RateLimit shop/rl is defined twice: here and at ${join(dir, 'a.yaml')}#1`,
      'switchyard validate: 2 problem(s)',
    ]);
    // One file named twice is one input, not two definitions.
    expect(run('validate', '-f', join(dir, 'a.yaml'), '-f', join(dir, 'a.yaml')).code).toBe(0);
  });

  it('validates namespaces as RFC 1123 labels of at most 63 characters', () => {
    const file = fixture('bad-namespace.yaml');
    const r = run('validate', '-f', file);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file}#0: metadata.namespace: must be a lowercase RFC 1123 label (received: "Shop_1")`,
      `${file}#1: metadata.namespace: must be at most 63 characters (received: "${'n'.repeat(64)}")`,
      'switchyard validate: 2 problem(s)',
    ]);
    const flag = run('render', '-n', 'Shop_1', '-f', fixture('shifted.yaml'));
    expect([flag.code, flag.stdout]).toEqual([2, '']);
    expect(flag.stderr.trim()).toBe('switchyard render: -n/--namespace must be a lowercase RFC 1123 label of at most 63 characters (got "Shop_1")');
  });
});
