import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISTIO_SCHEMA_DIR } from '../scripts/istio-schemas.ts';
import { expectValidIstio, istioCrdPath, istioCrdSchema, validateAgainstIstioCrd } from './support/istio-crd-schemas.ts';

const meta = { name: 'checkout', namespace: 'shop' };
const vs = (spec: object) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta, spec });
const dr = (spec: object) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta, spec });
const ef = (spec: object) => ({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: meta, spec });

const goodVs = vs({
  hosts: ['checkout'],
  http: [
    {
      name: 'canary',
      match: [{ headers: { 'x-branch': { exact: 'feature-a' } } }],
      route: [
        { destination: { host: 'checkout', subset: 'stable' }, weight: 90 },
        { destination: { host: 'checkout', subset: 'canary' }, weight: 10 },
      ],
      mirrors: [{ destination: { host: 'checkout', subset: 'shadow' }, percentage: { value: 5 } }],
      retries: { attempts: 3, perTryTimeout: '1s' },
    },
  ],
});
const goodDr = dr({
  host: 'checkout',
  trafficPolicy: { connectionPool: { tcp: { maxConnections: 100 } } },
  subsets: [{ name: 'stable', labels: { version: 'v1' } }],
});
const goodEf = ef({
  workloadSelector: { labels: { app: 'checkout' } },
  configPatches: [
    {
      applyTo: 'HTTP_FILTER',
      match: { context: 'SIDECAR_INBOUND', listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } } },
      patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.filters.http.ratelimit', typed_config: { '@type': 'x', domain: 'shop' } } },
    },
  ],
});

describe("Istio's real CRD file", () => {
  it('is the generated upstream file, with CEL rules for VirtualService', () => {
    expect(istioCrdPath()).toMatch(/istio\.io\/api@.*\/kubernetes\/customresourcedefinitions\.gen\.yaml$/);
    expect(readFileSync(istioCrdPath(), 'utf8')).toContain('name: virtualservices.networking.istio.io');
    const celRules = JSON.stringify(istioCrdSchema('VirtualService', 'v1')).split('"x-kubernetes-validations"').length - 1;
    expect(celRules).toBeGreaterThan(0);
  });

  // test/istio-schemas.test.ts checks the files byte for byte against the generator; this reads
  // them back as schemas, independently of it.
  it.each([
    ['VirtualService', 'v1', 'virtual-service.json'],
    ['DestinationRule', 'v1', 'destination-rule.json'],
    ['EnvoyFilter', 'v1alpha3', 'envoy-filter.json'],
  ])('is what core/istio/schemas/ holds for %s %s, descriptions left out', (kind, version, file) => {
    const crdSpec = (istioCrdSchema(kind, version) as { properties: { spec: object } }).properties.spec;
    // A `description` keyword is a string; a field named `description` would be an object schema.
    const expected: unknown = JSON.parse(JSON.stringify(crdSpec), (key, value: unknown) => (key === 'description' && typeof value === 'string' ? undefined : value));
    const { $comment: _source, ...committed } = JSON.parse(readFileSync(join(ISTIO_SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>;
    expect(committed).toEqual(expected);
  });
});

describe('validateAgainstIstioCrd', () => {
  it.each([
    ['VirtualService', goodVs],
    ['DestinationRule', goodDr],
    ['EnvoyFilter', goodEf],
  ])('accepts a good %s, and so does the package validator', (_kind, obj) => {
    expect(validateAgainstIstioCrd(obj)).toEqual([]);
    expectValidIstio(obj);
  });

  it.each([
    [
      'a weight given as a string',
      vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' }, weight: '90' }] }] }),
      'spec.http[0].route[0].weight: must be integer',
    ],
    ['a route destination without host', vs({ hosts: ['a'], http: [{ route: [{ destination: { subset: 'x' } }] }] }), 'spec.http[0].route[0].destination.host: required field is missing'],
    ['an unknown field', vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }], retrys: {} }] }), 'spec.http[0].retrys: unknown field'],
    ['a DestinationRule without host', dr({ subsets: [] }), 'spec.host: required field is missing'],
    ['a wrong type in a traffic policy', dr({ host: 'a', trafficPolicy: { connectionPool: { tcp: { maxConnections: 'lots' } } } }), 'spec.trafficPolicy.connectionPool.tcp.maxConnections: must be integer'],
    ['an EnvoyFilter with a bad applyTo', ef({ configPatches: [{ applyTo: 'HTTP_FILTERS', patch: { operation: 'MERGE' } }] }), 'spec.configPatches[0].applyTo: must be equal to one of the allowed values'],
    ['an unserved version', { ...goodVs, apiVersion: 'networking.istio.io/v2' }, null],
  ])('rejects %s', (_name, obj, expected) => {
    if (expected === null) {
      expect(() => validateAgainstIstioCrd(obj)).toThrow(/serves no version v2/);
      return;
    }
    const problems = validateAgainstIstioCrd(obj);
    expect(problems.some((p) => p.startsWith(expected)), problems.join('\n')).toBe(true);
  });

  it('reports a non-Istio object instead of validating it', () => {
    expect(validateAgainstIstioCrd({ apiVersion: 'v1', kind: 'Service' })).toEqual(['apiVersion/kind: no networking.istio.io CRD for v1 Service']);
  });

  it('keeps fields the CRD preserves: an EnvoyFilter patch value is free-form', () => {
    const obj = ef({ configPatches: [{ applyTo: 'CLUSTER', patch: { operation: 'ADD', value: { anything: { at: ['all'] } } } }] });
    expect(validateAgainstIstioCrd(obj)).toEqual([]);
  });
});

describe('expectValidIstio', () => {
  it('fails naming both validators when an object is wrong', () => {
    const bad = vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' }, weight: '90' }] }] });
    expect(() => expectValidIstio(bad)).toThrow(/package: spec\.http\[0\]\.route\[0\]\.weight[\s\S]*crd: spec\.http\[0\]\.route\[0\]\.weight/);
  });

  it('checks a Service with the package validator only', () => {
    expectValidIstio({ apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { ports: [{ port: 80 }] } });
    expect(() => expectValidIstio({ apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { ports: [{ port: 'x' }] } })).toThrow(/spec\.ports\[0\]\.port/);
  });
});
