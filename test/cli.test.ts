import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { OwnershipConflict } from '../controllers/reconcile/apply-owned.ts';
import { ConflictError } from '../kube/apply.ts';
// The controller process registers Switchyard's ownership policy; the Conflict wording comes from it.
import '../controllers/scheme.ts';
import { examples, fixture, noStackTrace, run } from './support/cli-run.ts';

describe('switchyard render', () => {
  it('renders every example, byte-identical on a second run', () => {
    const first = run('render', '-f', examples);
    expect(first.stderr).not.toContain('Skipped');
    expect(first.code).toBe(0);
    const kinds = parseAllDocuments(first.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    expect(kinds.filter((k) => k === 'VirtualService')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'DestinationRule')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'EnvoyFilter')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'Service')).toHaveLength(1);
    expect(run('render', '-f', examples).stdout).toBe(first.stdout);
  });

  it("scopes a hosts-only RateLimit to the pods behind its host as the controller does, and renders nothing for an unserved host", () => {
    const r = run('render', '-f', fixture('ratelimit-hosts.yaml'));
    expect(r.code).toBe(0);
    const filters = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: { workloadSelector?: unknown } }).filter((o) => o.kind === 'EnvoyFilter');
    expect(filters.map((f) => [f.metadata.name.startsWith('page-limit'), f.spec.workloadSelector])).toEqual([[true, { labels: { app: 'page' } }]]);
    expect(r.stderr).toMatch(/^# RateLimit shop\/nobody: Pending \(spec\.hosts\[0\]: .+\); nothing rendered for it$/m);
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
    expect(r.stdout.trim()).toBe('switchyard validate: 11 resource(s) valid');
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

  it('says that a Router with spec.progression walks to the planned end state, and not for a create', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    const walked = join(examples, '10-progressive-canary.yaml');
    expect(run('plan', '-f', walked, '--live', join(dir)).stdout).not.toContain('spec.progression');
    writeFileSync(join(dir, 'live.yaml'), run('render', '-f', walked).stdout);
    const next = readFileSync(walked, 'utf8').replace('versions: {v2.4.0: 100}', 'versions: {v2.5.0: 100}');
    writeFileSync(join(dir, 'next.yaml'), next);
    const r = run('plan', '-f', join(dir, 'next.yaml'), '--live', join(dir, 'live.yaml'));
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe(
      '  (spec.progression: the controller walks there from the promoted weights in steps of 5%, 25%, 50% of the way, 2m of analysis after each, then 100%; the steps above are those of the end state)',
    );
  });

  it('says so when live already matches', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    const seed = join(examples, '01-canary-with-sandbox.yaml');
    writeFileSync(join(dir, 'live.yaml'), run('render', '-f', seed).stdout);
    const r = run('plan', '-f', seed, '--live', join(dir, 'live.yaml'));
    expect(r.stdout.trim()).toBe('Router sm-verify/sm-verify-page: up to date, nothing to apply');
  });
});

describe('unknown fields', () => {
  it('are errors in validate, render and plan, naming the closest known field', () => {
    const file = fixture('unknown-fields.yaml');
    const expected = [
      `${file}#0: metadata.lables: unknown field "lables", did you mean "labels"?`,
      `${file}#0: spec.subsets[0].version: unknown field "version", did you mean "versions"?`,
    ];
    const validate = run('validate', '-f', file);
    expect(validate.code).toBe(1);
    expect(validate.stderr.trim().split('\n')).toEqual([...expected, 'switchyard validate: 2 problem(s)']);
    const render = run('render', '-f', file);
    expect([render.code, render.stdout]).toEqual([1, '']);
    expect(render.stderr.trim().split('\n')).toEqual([...expected, 'switchyard render: 2 problem(s); nothing rendered']);
    const plan = run('plan', '-f', file, '--live', fixture('live-unmanaged.yaml'));
    expect([plan.code, plan.stdout]).toEqual([1, '']);
    expect(plan.stderr.trim().split('\n')).toEqual([...expected, 'switchyard plan: 2 problem(s); no plan']);
  });
});

describe('switchyard plan agrees with the controller', () => {
  const live = fixture('live-unmanaged.yaml');
  const conflict = (kind: string, doc: number): string =>
    `Router sm-verify/sm-verify-page: Conflict: ${kind} sm-verify/sm-verify-page already exists and is not managed by Switchyard; set spec.adopt: true to take it over (live object at ${live}#${doc})`;

  it('reports the Conflict the controller reports for live objects Switchyard does not manage, and plans nothing', () => {
    const r = run('plan', '-f', fixture('shifted.yaml'), '--live', live);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr.trim().split('\n')).toEqual([conflict('DestinationRule', 0), conflict('VirtualService', 1), 'switchyard plan: 2 conflict(s); no plan']);
  });

  it("words the Conflict as the Router controller does (OwnershipConflict and the adopt advice)", () => {
    const object = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'sm-verify-page', namespace: 'sm-verify' } };
    const cause = new ConflictError({ kind: 'DestinationRule' } as never, { namespace: 'sm-verify', name: 'sm-verify-page' }, 'apply');
    const controller = `${new OwnershipConflict(object, cause).message}; set spec.adopt: true to take it over`;
    expect(conflict('DestinationRule', 0)).toContain(`: Conflict: ${controller} (live object at`);
  });

  it('reports the Service first when the Router owns it (the controller applies it first)', () => {
    const r = run('plan', '-f', fixture('shifted-own-service.yaml'), '--live', live);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([conflict('Service', 2), conflict('DestinationRule', 0), conflict('VirtualService', 1), 'switchyard plan: 3 conflict(s); no plan']);
  });

  it('plans over live objects it does not manage when the Router has spec.adopt: true', () => {
    const r = run('plan', '-f', fixture('shifted-adopt.yaml'), '--live', live);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('Router sm-verify/sm-verify-page: 3 step(s)');
    expect(lines).toContain('       remove subset stable');
  });

  it('reads a kind: List (kubectl get vs,dr -o yaml) item by item', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    const rendered = run('render', '-f', join(examples, '01-canary-with-sandbox.yaml')).stdout;
    const items = parseAllDocuments(rendered).map((d) => d.toJS() as unknown);
    writeFileSync(join(dir, 'live.yaml'), rendered);
    writeFileSync(join(dir, 'list.yaml'), stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }));
    const fromList = run('plan', '-f', fixture('shifted.yaml'), '--live', join(dir, 'list.yaml'));
    expect([fromList.code, fromList.stderr]).toEqual([0, '']);
    expect(fromList.stdout.split('\n')[0]).toBe('Router sm-verify/sm-verify-page: 3 step(s)');
    expect(fromList.stdout).toBe(run('plan', '-f', fixture('shifted.yaml'), '--live', join(dir, 'live.yaml')).stdout);
  });

  it('refuses malformed live objects with exit 1, naming file, document and field', () => {
    const file = fixture('live-malformed.yaml');
    const r = run('plan', '-f', fixture('shifted.yaml'), '--live', file);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr.trim().split('\n')).toEqual([
      `${file}#0: spec.http: must be array, got "not a list"`,
      `${file}#1: spec: a live DestinationRule needs a spec object`,
      `${file}#2: metadata.name: Invalid input: expected string, received undefined`,
      `${file}#3: metadata.labels: Invalid input: expected record, received string (received: "managed")`,
      'switchyard plan: 4 problem(s); no plan',
    ]);
    noStackTrace(r.stderr);
  });
});

describe("Istio's validation rules (core/istio/istio-rules.ts)", () => {
  const RE2 = 'must be an RE2 regex (Envoy and istiod use RE2: no lookaround, no backreferences): error parsing regexp:';
  const MIN_1MS = "must be a valid duration of at least 1ms (CRD rule: duration(self) >= duration('1ms'))";

  it("refuse a Router's and a RateLimit's own spec in validate and render, naming file and document, and blame no filter", () => {
    const file = fixture('istio-rules.yaml');
    const errors = [
      `${file}#0: Router shop/web: spec.subsets[1].match.headers.x-branch.regex: ${RE2} invalid or unsupported Perl syntax: \`(?=\` (got "box-1(?=-canary)")`,
      `${file}#2: RateLimit shop/api-v1: spec.match.headers[0].value: ${RE2} invalid escape sequence: \`\\1\` (got "/(v1)/\\\\1")`,
    ];
    const validate = run('validate', '-f', file);
    expect([validate.code, validate.stdout]).toEqual([1, '']);
    expect(validate.stderr.trim().split('\n')).toEqual([...errors, 'switchyard validate: 2 problem(s)']);
    const render = run('render', '-f', file);
    expect([render.code, render.stdout]).toEqual([1, '']);
    expect(render.stderr.trim().split('\n')).toEqual([...errors, 'switchyard render: 2 resource(s) failed to render; nothing rendered']);
  });

  it('skip the filters whose results break them (render applies the others; validate reports the skipped ones)', () => {
    const file = fixture('istio-rules-filters.yaml');
    const moved = `the result breaks Istio's validation rules: DestinationRule shop/api spec.host: must stay the Router's host api.shop.svc.cluster.local (got "other.shop.svc.cluster.local")`;
    const tooFast = `the result breaks Istio's validation rules: VirtualService shop/api spec.http[0].timeout: ${MIN_1MS} (got "0.0000001s")`;
    const render = run('render', '-f', file);
    expect(render.code).toBe(0);
    expect(render.stderr.trim().split('\n')).toEqual([
      `# IstioFilter shop/move-host: Skipped (position 1/3): patch 0 (jsonPatch): rolled back: ${moved}`,
      '# IstioFilter shop/retries: Applied (position 2/3): applied 1 patch',
      `# IstioFilter shop/too-fast: Skipped (position 3/3): patch 0 (timeout): rolled back: ${tooFast}`,
    ]);
    expect(render.stdout).toContain('host: api.shop.svc.cluster.local');
    expect(render.stdout).toContain('perTryTimeout: 500ms');
    expect(render.stdout).not.toContain('0.0000001s');
    const validate = run('validate', '-f', file);
    expect(validate.code).toBe(1);
    expect(validate.stderr.trim().split('\n')).toEqual([
      `${file}#2: IstioFilter shop/move-host: skipped: ${moved}`,
      `${file}#1: IstioFilter shop/too-fast: skipped: ${tooFast}`,
      'switchyard validate: 2 problem(s)',
    ]);
  });
});

describe('usage errors', () => {
  it('exits 2 on an unknown command or a missing -f', () => {
    expect(run('deploy', '-f', examples).code).toBe(2);
    expect(run('render').code).toBe(2);
    expect(run('plan', '-f', examples).stderr).toContain('--live is required');
  });
});
