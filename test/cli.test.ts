import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', 'cli', 'bin', 'switchyard.js');
const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', 'cli', name);
const examples = join(import.meta.dirname, '..', 'examples');

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noStackTrace = (text: string): void => expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe('switchyard render', () => {
  it('renders every example, byte-identical on a second run', () => {
    const first = run('render', '-f', examples);
    expect(first.stderr).not.toContain('Skipped');
    expect(first.code).toBe(0);
    const kinds = parseAllDocuments(first.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds.filter((k) => k === 'VirtualService')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'DestinationRule')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'EnvoyFilter')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'Service')).toHaveLength(1);
    expect(run('render', '-f', examples).stdout).toBe(first.stdout);
  });

  it('reports filter results on stderr, keeping stdout pure YAML', () => {
    const r = run('render', '-f', examples);
    expect(r.stderr).toContain('# IstioFilter bookinfo/sre-baseline: Applied (position 1/3)');
    expect(r.stdout.startsWith('apiVersion:')).toBe(true);
  });

  it('refuses invalid input with exit 1 and prints nothing on stdout', () => {
    const r = run('render', '-f', fixture('invalid.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('nothing rendered');
    noStackTrace(r.stderr);
  });
});

describe('switchyard validate', () => {
  it('names file, document, field, rule and received value for every problem', () => {
    const r = run('validate', '-f', fixture('invalid.yaml'));
    expect(r.code).toBe(1);
    const file = fixture('invalid.yaml');
    expect(r.stderr.split('\n')).toEqual(
      expect.arrayContaining([
        `${file}#0: spec.subsets[0].versions: weights of branch master must sum to 100 (got 110) (received: {"v1":90,"v2":20})`,
        `${file}#0: spec.subsets[1].branch: branch names must be unique (duplicate master) (received: "master")`,
        `${file}#1: spec.quota: quota must be greater than 0 (got 0) (received: 0)`,
        `${file}#1: spec.unit: Invalid option: expected one of "SECOND"|"MINUTE"|"HOUR"|"DAY" (received: "WEEK")`,
        `${file}#2: kind: unsupported kind; expected switchyard.io/v1alpha1 Router, IstioFilter or RateLimit (received: "undefined Foo")`,
        'switchyard validate: 5 problem(s)',
      ]),
    );
    noStackTrace(r.stderr);
  });

  it('accepts every example', () => {
    const r = run('validate', '-f', examples);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('switchyard validate: 9 resource(s) valid');
    expect(r.code).toBe(0);
  });

  it('reports YAML syntax errors and missing files as problems, not crashes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    writeFileSync(join(dir, 'broken.yaml'), 'kind: Router\n  spec: [unclosed\n');
    const r = run('validate', '-f', join(dir, 'broken.yaml'), '-f', join(dir, 'absent.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'broken.yaml')}#0: YAML syntax:`);
    expect(r.stderr).toContain(`${join(dir, 'absent.yaml')}#0: no such file or directory`);
    noStackTrace(r.stderr);
  });
});

describe('switchyard plan', () => {
  it('orders a version swap make-before-break against live objects', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    const live = run('render', '-f', join(examples, '01-canary-with-sandbox.yaml'));
    writeFileSync(join(dir, 'live.yaml'), live.stdout);
    const r = run('plan', '-f', fixture('shifted.yaml'), '--live', join(dir, 'live.yaml'));
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('Router sm-verify/sm-verify-page: 3 step(s)');
    expect(lines[1]).toBe('  1. apply-union-destination-rule DestinationRule sm-verify/sm-verify-page');
    expect(r.stdout).toContain('add subset master-v1-0-3');
    expect(r.stdout.indexOf('apply-virtual-service')).toBeGreaterThan(r.stdout.indexOf('apply-union-destination-rule'));
    expect(r.stdout.indexOf('apply-pruned-destination-rule')).toBeGreaterThan(r.stdout.indexOf('apply-virtual-service'));
    expect(r.stdout).toContain('remove subset master-v1-0-1');
  });

  it('says so when live already matches', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    const seed = join(examples, '01-canary-with-sandbox.yaml');
    writeFileSync(join(dir, 'live.yaml'), run('render', '-f', seed).stdout);
    const r = run('plan', '-f', seed, '--live', join(dir, 'live.yaml'));
    expect(r.stdout.trim()).toBe('Router sm-verify/sm-verify-page: up to date, nothing to apply');
  });
});

describe('usage errors', () => {
  it('exits 2 on an unknown command or a missing -f', () => {
    expect(run('deploy', '-f', examples).code).toBe(2);
    expect(run('render').code).toBe(2);
    expect(run('plan', '-f', examples).stderr).toContain('--live is required');
  });
});
