// The local control plane against the real kube-apiserver: namespaces, Istio's and Switchyard's
// CRDs with their schema and CEL rules, the controller's non-admin identity, an apiserver restart,
// and kube-controller-manager's garbage collector and namespace controller.
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiextensionsV1Api,
  AuthenticationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
} from '@kubernetes/client-node';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../dev/control-plane.ts';
import { apiMessage } from '../dev/crd-install.ts';

/** The garbage collector reacts to an owner's deletion within a second or two. */
const GC_TIMEOUT_MS = 30_000;
const NS = 'cp-test';

type Obj = Record<string, unknown> & { metadata: Record<string, unknown>; spec?: Record<string, unknown> };
interface Kind { group: string; version: string; plural: string }
const ROUTER: Kind = { group: 'switchyard.io', version: 'v1alpha1', plural: 'routers' };
const ISTIO_FILTER: Kind = { group: 'switchyard.io', version: 'v1alpha1', plural: 'istiofilters' };
const RATE_LIMIT: Kind = { group: 'switchyard.io', version: 'v1alpha1', plural: 'ratelimits' };
const VIRTUAL_SERVICE: Kind = { group: 'networking.istio.io', version: 'v1', plural: 'virtualservices' };

let cp: ControlPlane;
let kc: KubeConfig;
let custom: CustomObjectsApi;

async function example(file: string, name: string): Promise<Obj> {
  const obj = parse(await readFile(new URL(`../examples/${file}`, import.meta.url), 'utf8')) as Obj;
  return { ...obj, metadata: { name, namespace: NS } };
}

function create(kind: Kind, body: object) {
  return custom.createNamespacedCustomObject({ ...kind, namespace: NS, body }) as Promise<Obj>;
}

/** The API server's message for a rejected create; fails the test if the create succeeds. */
async function rejection(kind: Kind, body: object): Promise<string> {
  try {
    await create(kind, body);
  } catch (err) {
    return apiMessage(err);
  }
  throw new Error(`expected the API server to reject ${JSON.stringify(body)}`);
}

async function gone(read: () => Promise<unknown>): Promise<boolean> {
  const deadline = Date.now() + GC_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      await read();
    } catch (err) {
      if ((err as { code?: number }).code === 404) return true;
      throw err;
    }
    await sleep(200);
  }
  return false;
}

function virtualService(name: string, extra: Record<string, unknown> = {}): Obj {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: NS, ...extra },
    spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 100 }] }] },
  };
}

beforeAll(async () => {
  cp = await startControlPlane({ withControllerManager: true, installCrds: true });
  kc = new KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  custom = kc.makeApiClient(CustomObjectsApi);
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
});

afterAll(async () => {
  await cp?.stop();
});

describe('control plane', () => {
  it('serves the harness namespaces', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    for (const name of ['switchyard-system', 'istio-system']) {
      expect((await core.readNamespace({ name })).status?.phase).toBe('Active');
    }
  });

  it('has the real Istio CRDs Established', async () => {
    const api = kc.makeApiClient(ApiextensionsV1Api);
    const kinds = ['virtualservices', 'destinationrules', 'envoyfilters', 'serviceentries', 'workloadentries', 'gateways'];
    for (const plural of kinds) {
      const crd = await api.readCustomResourceDefinition({ name: `${plural}.networking.istio.io` });
      expect(crd.status?.conditions?.find((c) => c.type === 'Established')?.status, plural).toBe('True');
    }
  });

  it('accepts a valid VirtualService and rejects invalid ones with the API server message', async () => {
    await create(VIRTUAL_SERVICE, virtualService('valid'));
    const cel = virtualService('bad-timeout');
    (cel.spec as { http: Record<string, unknown>[] }).http[0]!.timeout = '0.5ms';
    expect(await rejection(VIRTUAL_SERVICE, cel)).toMatch(/spec\.http\[0\]\.timeout: Invalid value: .*must be a valid duration greater than 1ms/);
    const schema = virtualService('no-destination');
    (schema.spec as { http: Record<string, unknown>[] }).http[0]!.route = [{ weight: 100 }];
    expect(await rejection(VIRTUAL_SERVICE, schema)).toMatch(/spec\.http\[0\]\.route\[0\]\.destination: Required value/);
  });

  it('accepts the seed Router and enforces its CEL rules', async () => {
    const seed = await example('01-canary-with-sandbox.yaml', 'seed');
    const created = await create(ROUTER, seed);
    expect(created.spec).toEqual(seed.spec);
    const spec = seed.spec as { subsets: { branch: string; versions?: Record<string, number> }[] };
    const over = { ...seed, metadata: { name: 'over', namespace: NS }, spec: { ...spec, subsets: [{ branch: 'master', versions: { v1: 100, v2: 10 } }] } };
    expect(await rejection(ROUTER, over)).toContain('weights of branch master must sum to 100 (got 110)');
    const dup = { ...seed, metadata: { name: 'dup', namespace: NS }, spec: { ...spec, subsets: [spec.subsets[0], spec.subsets[0]] } };
    expect(await rejection(ROUTER, dup)).toContain('spec.subsets: Invalid value: branch names must be unique');
  });

  it('accepts the progressive canary and says what is wrong with a spec.progression at apply time', async () => {
    const walk = await example('10-progressive-canary.yaml', 'walk');
    expect((await create(ROUTER, walk)).spec).toEqual(walk.spec);
    const spec = walk.spec as Record<string, unknown> & { progression: Record<string, unknown> };
    const bad = (name: string, change: Record<string, unknown>): object => ({ ...walk, metadata: { name, namespace: NS }, spec: { ...spec, progression: { ...spec.progression, ...change } } });
    expect(await rejection(ROUTER, bad('unsorted', { steps: [25, 5] }))).toContain('spec.progression.steps: Invalid value: steps must be strictly increasing');
    expect(await rejection(ROUTER, bad('both', { stepWeight: 10 }))).toContain('spec.progression.steps: Invalid value: give either steps or stepWeight/maxWeight, not both');
    expect(await rejection(ROUTER, bad('no-bound', { analysis: [{ name: 'errors', metric: 'successRate' }] }))).toContain('spec.progression.analysis[0].min: Invalid value: check errors needs min or max');
    expect(await rejection(ROUTER, bad('two-sources', { analysis: [{ name: 'x', metric: 'latency', query: 'up', max: 1 }] }))).toContain(
      'spec.progression.analysis[0].metric: Invalid value: check x needs exactly one of metric and query',
    );
    const unweighted = { ...walk, metadata: { name: 'unweighted', namespace: NS }, spec: { ...spec, subsets: [{ branch: 'main' }] } };
    expect(await rejection(ROUTER, unweighted)).toContain("spec.progression: Invalid value: progression walks the default branch's versions: it has none");
    expect(await rejection(ROUTER, bad('weight', { steps: [5, 100] }))).toMatch(/spec\.progression\.steps\[1\]: Invalid value: 100: .*less than or equal to 99/);
  });

  it('rejects a RateLimit with quota 0 and an IstioFilter with priority 2000', async () => {
    const rl = await example('07-global-ratelimit.yaml', 'zero');
    // Both the OpenAPI minimum and our CEL rule (its format() message) report the value.
    expect(await rejection(RATE_LIMIT, { ...rl, spec: { ...rl.spec, quota: 0 } })).toContain('spec.quota: Invalid value: quota must be greater than 0 (got 0)');
    const filter = await example('05-retries-timeout-filter.yaml', 'too-late');
    expect(await rejection(ISTIO_FILTER, { ...filter, spec: { ...filter.spec, priority: 2000 } })).toContain(
      'spec.priority: Invalid value: priority must be between -1000 and 1000 (got 2000)',
    );
  });

  it('accepts the per-API-key RateLimit and says what is wrong with a spec.per at apply time', async () => {
    const perKey = await example('09-per-api-key-ratelimit.yaml', 'per-key');
    expect((await create(RATE_LIMIT, perKey)).spec).toEqual(perKey.spec);
    const spec = perKey.spec as Record<string, unknown> & { per: Record<string, unknown> };
    const bad = (name: string, change: Record<string, unknown>): object => ({ ...perKey, metadata: { name, namespace: NS }, spec: { ...spec, ...change } });
    expect(await rejection(RATE_LIMIT, bad('two-kinds', { per: { header: 'x-api-key', remoteAddress: {} } }))).toContain(
      'spec.per: Invalid value: set exactly one of header, remoteAddress or principal: the value each caller is counted by',
    );
    const clientSide = { side: 'client', workloadSelector: undefined, per: { principal: {} } };
    expect(await rejection(RATE_LIMIT, bad('principal', clientSide))).toContain(
      "spec.per.principal: Invalid value: needs side server: the caller's principal is known only where its mTLS connection ends, in the target's inbound",
    );
    expect(await rejection(RATE_LIMIT, bad('local', { mode: 'local', algorithm: undefined }))).toContain('spec.per: Invalid value: needs mode global: a local limit keeps one token bucket per pod, not one per caller');
    const twice = { ...spec.per, overrides: [{ value: 'k', quota: 1 }, { value: 'k', quota: 2 }] };
    expect(await rejection(RATE_LIMIT, bad('twice', { per: twice }))).toContain('spec.per.overrides[1]: Duplicate value: {"value":"k"}');
  });

  it("gives Switchyard's controller its ServiceAccount identity, without admin rights", async () => {
    const ctl = new KubeConfig();
    ctl.loadFromFile(cp.controllerKubeconfigPath);
    const review = await ctl.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe('system:serviceaccount:switchyard-system:switchyard');
    expect(review.status?.userInfo?.groups).toEqual(expect.arrayContaining(['system:serviceaccounts', 'system:serviceaccounts:switchyard-system']));
    const err = await ctl.makeApiClient(CoreV1Api).listNamespace().catch((e: unknown) => e);
    expect((err as { code?: number }).code).toBe(403);
  });
});

describe('kube-controller-manager', () => {
  it('garbage-collects a VirtualService once its owning Router is deleted', async () => {
    const owner = await create(ROUTER, await example('01-canary-with-sandbox.yaml', 'owner'));
    const ref = { apiVersion: 'switchyard.io/v1alpha1', kind: 'Router', name: 'owner', uid: owner.metadata.uid, controller: true };
    await create(VIRTUAL_SERVICE, virtualService('owned', { ownerReferences: [ref] }));
    await custom.deleteNamespacedCustomObject({ ...ROUTER, namespace: NS, name: 'owner' });
    expect(await gone(() => custom.getNamespacedCustomObject({ ...VIRTUAL_SERVICE, namespace: NS, name: 'owned' }))).toBe(true);
  });

  it('garbage-collects an object whose owner was already gone when it was created', async () => {
    const owner = await create(ROUTER, await example('01-canary-with-sandbox.yaml', 'ghost'));
    await custom.deleteNamespacedCustomObject({ ...ROUTER, namespace: NS, name: 'ghost' });
    const ref = { apiVersion: 'switchyard.io/v1alpha1', kind: 'Router', name: 'ghost', uid: owner.metadata.uid };
    await create(VIRTUAL_SERVICE, virtualService('orphan', { ownerReferences: [ref] }));
    expect(await gone(() => custom.getNamespacedCustomObject({ ...VIRTUAL_SERVICE, namespace: NS, name: 'orphan' }))).toBe(true);
  });

  it('finishes deleting a namespace that still holds custom resources', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await custom.createNamespacedCustomObject({ ...VIRTUAL_SERVICE, namespace: 'doomed', body: { ...virtualService('x'), metadata: { name: 'x' } } });
    await core.deleteNamespace({ name: 'doomed' });
    expect(await gone(() => core.readNamespace({ name: 'doomed' }))).toBe(true);
  });
});

describe('restartApiServer', () => {
  it('brings kube-apiserver back on the same URL with the data kept in etcd', async () => {
    const before = cp.processIds()['kube-apiserver'];
    await cp.restartApiServer();
    expect(cp.processIds()['kube-apiserver']).not.toBe(before);
    const vs = (await custom.getNamespacedCustomObject({ ...VIRTUAL_SERVICE, namespace: NS, name: 'valid' })) as Obj;
    expect(vs.metadata.name).toBe('valid');
  });
});
