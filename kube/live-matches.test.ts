import { describe, expect, it } from 'vitest';
import { containsSubset, liveMatches } from './live-matches.ts';
import type { KubeObject } from './types.ts';

const owner = { apiVersion: 'switchyard.io/v1alpha1', kind: 'Router', name: 'web', uid: 'u1', controller: true };

function vs(meta: Partial<KubeObject['metadata']>, spec: unknown): KubeObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web', namespace: 'ns', ...meta }, spec };
}

const desired = vs({ labels: { 'app.kubernetes.io/managed-by': 'switchyard' }, ownerReferences: [owner] }, { hosts: ['web'], http: [{ route: [{ destination: { host: 'web', subset: 'v1' } }] }] });

describe('liveMatches', () => {
  it.each([
    ['identical', desired, 'exact', true],
    ['extra live label and server fields in metadata', vs({ ...desired.metadata, labels: { ...desired.metadata.labels, team: 'a' }, resourceVersion: '7', uid: 'x' }, desired.spec), 'exact', true],
    ['missing label', vs({ ownerReferences: [owner] }, desired.spec), 'exact', false],
    ['label value differs', vs({ ...desired.metadata, labels: { 'app.kubernetes.io/managed-by': 'helm' } }, desired.spec), 'exact', false],
    ['missing ownerReference', vs({ labels: desired.metadata.labels }, desired.spec), 'exact', false],
    ['ownerReference with another uid', vs({ ...desired.metadata, ownerReferences: [{ ...owner, uid: 'u2' }] }, desired.spec), 'exact', false],
    ['spec differs', vs(desired.metadata, { hosts: ['web'], http: [] }), 'exact', false],
    ['extra live spec field, exact', vs(desired.metadata, { ...(desired.spec as object), gateways: ['mesh'] }), 'exact', false],
    ['extra live spec field, subset', vs(desired.metadata, { ...(desired.spec as object), gateways: ['mesh'] }), 'subset', true],
    ['key order differs', vs(desired.metadata, { http: (desired.spec as { http: unknown }).http, hosts: ['web'] }), 'exact', true],
  ] as const)('%s → %s', (_name, live, mode, want) => {
    expect(liveMatches(live, desired, mode)).toBe(want);
  });
});

describe('containsSubset', () => {
  it.each([
    [{ a: 1, b: 2 }, { a: 1 }, true],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] }, { ports: [{ port: 80, targetPort: 8080 }] }, true],
    [{ ports: [{ port: 80 }, { port: 81 }] }, { ports: [{ port: 80 }] }, false],
    [{ a: [1] }, { a: { 0: 1 } }, false],
    [{ a: null }, { a: null }, true],
    ['x', 'x', true],
    [undefined, { a: 1 }, false],
  ])('%j ⊇ %j → %s', (live, desired, want) => {
    expect(containsSubset(live, desired)).toBe(want);
  });
});
