import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KINDS, type KindInfo } from '../../api/kinds.ts';
import { OBJECT_META_FIELDS, unknownFieldMessage, unknownFields, unknownResourceFields, type SchemaNode } from './unknown-fields.ts';

const kind = (name: string): KindInfo => KINDS.find((k) => k.kind === name) as KindInfo;
const paths = (kindName: string, object: unknown): string[] =>
  unknownResourceFields(kind(kindName), object).map((u) => `${u.path.join('/')} → ${unknownFieldMessage(u)}`);

const router = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'web' }): unknown => ({
  apiVersion: 'switchyard.io/v1alpha1',
  kind: 'Router',
  metadata,
  spec: { port: 80, subsets: [{ branch: 'master' }], ...spec },
});

describe('unknownResourceFields', () => {
  it('finds a misspelt field inside a list item and names the field it most likely means', () => {
    const object = router({ subsets: [{ branch: 'master', version: { v1: 90, v2: 10 } }] });
    expect(unknownResourceFields(kind('Router'), object)).toEqual([
      { path: ['spec', 'subsets', 0, 'version'], known: ['branch', 'default', 'versions', 'match'], suggestion: 'versions' },
    ]);
    expect(paths('Router', object)).toEqual(['spec/subsets/0/version → unknown field "version", did you mean "versions"?']);
  });

  it.each([
    ['a valid Router', router({}), []],
    ['top level', { ...(router({}) as object), sepc: {} }, ['sepc → unknown field "sepc", did you mean "spec"?']],
    ['spec, with no close field', router({ foo: 1 }), ['spec/foo → unknown field "foo" (known fields: port, protocol, targetPort, host, gateways, labelKeys, selector, subsets, trafficPolicy, propagation, ownService, adopt, progression)']],
    ['nested object', router({ propagation: { mdoe: 'settle' } }), ['spec/propagation/mdoe → unknown field "mdoe", did you mean "mode"?']],
    ['map values (a header match)', router({ subsets: [{ branch: 'b', match: { headers: { 'x-b': { exect: 'b' } } } }] }), ['spec/subsets/0/match/headers/x-b/exect → unknown field "exect", did you mean "exact"?']],
    ['map keys are data, not fields', router({ selector: { anything: 'x' }, subsets: [{ branch: 'b', versions: { whatever: 100 } }] }), []],
    ['free-form values (trafficPolicy) keep unknown fields', router({ trafficPolicy: { anything: { goes: 1 } } }), []],
    ['metadata: every ObjectMeta field is known', router({}, Object.fromEntries(OBJECT_META_FIELDS.map((f) => [f, f === 'name' ? 'web' : {}]))), []],
    ['metadata: a misspelt ObjectMeta field', router({}, { name: 'web', lables: { a: 'b' } }), ['metadata/lables → unknown field "lables", did you mean "labels"?']],
    ['status fields are known', { ...(router({}) as object), status: { phase: 'Ready', pahse: 'x' } }, ['status/pahse → unknown field "pahse", did you mean "phase"?']],
    ['values of the wrong type are left to the schema', router({ subsets: 'master', propagation: [1] }), []],
  ])('Router: %s', (_name, object, expected) => {
    expect(paths('Router', object)).toEqual(expected);
  });

  it('checks IstioFilter patches and RateLimit matches the same way', () => {
    const filter = { apiVersion: 'switchyard.io/v1alpha1', kind: 'IstioFilter', metadata: { name: 'f' }, spec: { target: { router: 'web' }, patches: [{ retries: { attempts: 3, perTrytimeout: '1s' } }, { jsonPatch: { target: 'VirtualService', ops: [{ op: 'add', path: '/x', value: { free: 1 } }] } }] } };
    expect(paths('IstioFilter', filter)).toEqual(['spec/patches/0/retries/perTrytimeout → unknown field "perTrytimeout", did you mean "perTryTimeout"?']);
    const limit = { apiVersion: 'switchyard.io/v1alpha1', kind: 'RateLimit', metadata: { name: 'l' }, spec: { quota: 1, unit: 'SECOND', hosts: ['a'], match: { headers: [{ key: 'k', matchType: 'exact', vaule: 'v' }] } } };
    expect(paths('RateLimit', limit)).toEqual(['spec/match/headers/0/vaule → unknown field "vaule", did you mean "value"?']);
  });

  it('refuses a "__proto__" map key, which the schema parse would drop without a word', () => {
    const object = parse('apiVersion: switchyard.io/v1alpha1\nkind: Router\nmetadata: {name: web}\nspec:\n  port: 80\n  subsets:\n  - branch: lane\n    match: {headers: {__proto__: {exact: lane-1}}}\n') as unknown;
    expect(paths('Router', object)).toEqual(['spec/subsets/0/match/headers/__proto__ → key "__proto__" is not allowed (it would be dropped silently)']);
  });

  it('cuts a long unknown field name in the message', () => {
    const [field] = unknownResourceFields(kind('Router'), router({ ['k'.repeat(500)]: 1 }));
    expect(field && unknownFieldMessage(field)).toBe(`unknown field "${'k'.repeat(79)}…" (known fields: port, protocol, targetPort, host, gateways, labelKeys, selector, subsets, trafficPolicy, propagation, ownService, adopt, progression)`);
  });
});

describe('unknownFields', () => {
  it('follows local $refs and stops at unions and preserve-unknown-fields', () => {
    const schema: SchemaNode = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/A' }, u: { anyOf: [{ type: 'object', properties: {} }] }, p: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      $defs: { A: { type: 'object', properties: { b: { type: 'string' } } } },
    };
    expect(unknownFields({ a: { b: 'x', c: 1 }, u: { any: 1 }, p: { any: 1 } }, schema)).toEqual([{ path: ['a', 'c'], known: ['b'] }]);
  });

  it('says so when an object allows no field at all', () => {
    const [field] = unknownFields({ x: 1 }, { type: 'object', properties: {} });
    expect(field && unknownFieldMessage(field)).toBe('unknown field "x" (no fields are allowed here)');
  });
});
