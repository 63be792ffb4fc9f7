// The Helm chart (deploy/helm/switchyard) rendered by a real `helm template` (built from helm's Go
// module) and applied with a real kubectl to the real API server of the embedded control plane:
// its CRDs are crds/ byte for byte, its defaults are the kustomize base (`kubectl kustomize
// deploy/`) object for object, and every value in values.yaml reaches the objects the API server
// stores. The Deployments' pods never run (no scheduler or kubelet here): the API server
// accepting and storing them is the proof.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT, ensureHelm, ensureKubectl } from '../dev/harness-artifacts.ts';
import { startControlPlane, type ControlPlane } from '../dev/control-plane.ts';

const run = promisify(execFile);
const CHART = join(REPO_ROOT, 'deploy', 'helm', 'switchyard');
const OVERRIDES = join(REPO_ROOT, 'test', 'fixtures', 'helm', 'override-values.yaml');
const NAMESPACE = 'switchyard-system';
/** Values whose override equals the default on purpose (turning it off is checked on its own). */
const SAME_AS_DEFAULT = new Set(['ratelimit.enabled']);

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

let helm: string;
let kubectlPath: string;
let cp: ControlPlane;
let tmp: string;

beforeAll(async () => {
  [helm, kubectlPath] = await Promise.all([ensureHelm(), ensureKubectl()]);
  tmp = await mkdtemp(join(tmpdir(), 'sy-pkg-helm-'));
  cp = await startControlPlane({ installCrds: false });
});

afterAll(async () => {
  await cp?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function tool(path: string, args: string[]): Promise<string> {
  try {
    return (await run(path, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${path.split('/').pop()} ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

function manifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

/** `helm template` of the chart into `namespace`, CRDs included, with extra helm arguments. */
async function render(namespace: string, ...args: string[]): Promise<Manifest[]> {
  return manifests(await tool(helm, ['template', 'switchyard', CHART, '--namespace', namespace, '--include-crds', ...args]));
}

function find(list: Manifest[], kind: string, name: string): Manifest {
  const found = list.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${list.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
}

/** `kind/name` of every object, sorted. */
function names(list: Manifest[]): string[] {
  return list.map((m) => `${m.kind}/${m.metadata.name}`).sort();
}

/** A copy without the labels Helm adds (metadata and pod template), returning the labels apart. */
function withoutLabels(m: Manifest): { body: unknown; labels: Record<string, string>[] } {
  const copy = structuredClone(m) as Manifest & { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } };
  const labels = [copy.metadata.labels ?? {}, copy.spec?.template?.metadata?.labels ?? {}];
  delete copy.metadata.labels;
  if (copy.spec?.template?.metadata) delete copy.spec.template.metadata.labels;
  return { body: copy, labels };
}

/** The paths of the leaves of a values tree (an empty map or list is a leaf). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix === '' ? k : `${prefix}.${k}`));
}

function at(tree: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], tree);
}

async function kubectl(...args: string[]): Promise<string> {
  return tool(kubectlPath, ['--kubeconfig', cp.kubeconfigPath, ...args]);
}

/** Server-side applies the manifests with the real kubectl and returns what the API server stored. */
async function applyAndRead(list: Manifest[], file: string): Promise<Manifest[]> {
  const path = join(tmp, file);
  await writeFile(path, list.map((m) => JSON.stringify(m)).join('\n---\n'));
  await kubectl('apply', '--server-side', '--field-manager=helm-chart-test', '-f', path);
  const crds = list.filter((m) => m.kind === 'CustomResourceDefinition').map((m) => `crd/${m.metadata.name}`);
  if (crds.length > 0) await kubectl('wait', '--for=condition=Established', '--timeout=30s', ...crds);
  const stored = await kubectl('get', '-o', 'json', '-f', path);
  const parsed = JSON.parse(stored) as Manifest & { items?: Manifest[] };
  return parsed.items ?? [parsed];
}

interface PodSpec {
  serviceAccountName: string;
  imagePullSecrets?: { name: string }[];
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  affinity?: unknown;
  volumes?: { name: string; secret?: { secretName: string; items: { key: string; path: string }[] }; projected?: { sources: { serviceAccountToken: { audience: string; expirationSeconds: number } }[] } }[];
  containers: {
    image: string;
    imagePullPolicy: string;
    args: string[];
    env?: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
    ports: { name: string; containerPort: number }[];
    resources: unknown;
  }[];
}

function deployment(list: Manifest[], name: string): { replicas: number; annotations: Record<string, string>; pod: PodSpec } {
  const d = find(list, 'Deployment', name) as Manifest & { spec: { replicas: number; template: { metadata: { annotations?: Record<string, string> }; spec: PodSpec } } };
  return { replicas: d.spec.replicas, annotations: d.spec.template.metadata.annotations ?? {}, pod: d.spec.template.spec };
}

describe('deploy/helm/switchyard', () => {
  it('passes helm lint', async () => {
    expect(await tool(helm, ['lint', CHART])).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('ships crds/ byte for byte in its own crds/ (npm run gen:crds writes both)', async () => {
    const root = (await readdir(join(REPO_ROOT, 'crds'))).filter((n) => n.endsWith('.switchyard.io.yaml')).sort();
    const chart = (await readdir(join(CHART, 'crds'))).sort();
    expect(chart).toEqual(root);
    for (const name of root) expect(await readFile(join(CHART, 'crds', name), 'utf8'), name).toBe(await readFile(join(REPO_ROOT, 'crds', name), 'utf8'));
  });

  it('renders by default what the kustomize base applies, object for object (labels aside)', async () => {
    const chart = await render(NAMESPACE);
    const base = manifests(await tool(kubectlPath, ['kustomize', join(REPO_ROOT, 'deploy')])).filter((m) => m.kind !== 'Namespace');
    expect(names(chart)).toEqual(names(base));
    for (const expected of base) {
      const actual = find(chart, expected.kind, expected.metadata.name);
      const a = withoutLabels(actual);
      const b = withoutLabels(expected);
      expect(a.body, `${expected.kind}/${expected.metadata.name}`).toEqual(b.body);
      // Helm's labels come on top of the base's; the selectors' labels are the same.
      b.labels.forEach((labels, i) => expect(a.labels[i]).toMatchObject(labels));
    }
  });

  it('is accepted by the API server with its defaults: CRDs established, Deployments stored with the base`s flags', async () => {
    const stored = await applyAndRead(await render(NAMESPACE), 'defaults.json');
    expect(stored.filter((m) => m.kind === 'CustomResourceDefinition').map((m) => m.metadata.name).sort()).toEqual(['istiofilters.switchyard.io', 'ratelimits.switchyard.io', 'routers.switchyard.io']);
    const controllers = deployment(stored, 'switchyard-controllers');
    expect(controllers.replicas).toBe(2);
    expect(controllers.pod.containers[0]?.args).toEqual([
      '--max-old-space-size=192',
      '--max-semi-space-size=8',
      'controllers/main.ts',
      '--settle-delay=5s',
      '--http-port=8090',
      '--istiod-debug-url=http://istiod.istio-system.svc:15014',
      '--istiod-token-file=/var/run/secrets/switchyard/istio-token',
      '--prometheus-url=http://prometheus.istio-system.svc:9090',
    ]);
    expect(controllers.pod.containers[0]?.image).toBe('switchyard:0.1.0');
    expect(controllers.pod.volumes?.[0]?.projected?.sources[0]?.serviceAccountToken).toMatchObject({ audience: 'istio-ca', expirationSeconds: 3600 });
    const rls = deployment(stored, 'switchyard-ratelimit');
    expect(rls.pod.containers[0]?.env?.find((e) => e.name === 'REDIS_URL')?.value).toBe('redis://redis.switchyard-system.svc.cluster.local:6379');
    expect(rls.pod.containers[0]?.env?.some((e) => e.name === 'REDIS_PASSWORD')).toBe(false);
  });

  it('a values file overriding every value: each reaches the objects the API server stores', async () => {
    const defaults = parse(await readFile(join(CHART, 'values.yaml'), 'utf8')) as unknown;
    const overrides = parse(await readFile(OVERRIDES, 'utf8')) as unknown;
    const leaves = leafPaths(defaults);
    expect(leaves.filter((p) => at(overrides, p) === undefined), 'values.yaml leaves missing from the override file').toEqual([]);
    expect(leaves.filter((p) => !SAME_AS_DEFAULT.has(p) && JSON.stringify(at(overrides, p)) === JSON.stringify(at(defaults, p))), 'overrides equal to the default').toEqual([]);

    // Applied over the defaults, as `helm upgrade` would: the same objects, changed.
    const rendered = await render(NAMESPACE, '--values', OVERRIDES);
    const stored = await applyAndRead(
      rendered.filter((m) => m.kind !== 'CustomResourceDefinition'),
      'overrides.json',
    );
    for (const m of stored.filter((o) => o.metadata.namespace !== undefined)) expect(m.metadata.namespace, `${m.kind}/${m.metadata.name}`).toBe(NAMESPACE);

    const controllers = deployment(stored, 'switchyard-controllers');
    const c = controllers.pod.containers[0];
    expect(controllers.replicas).toBe(3);
    expect(c?.image).toBe('registry.example.test/platform/switchyard:9.9.9');
    expect(c?.imagePullPolicy).toBe('Always');
    expect(controllers.pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(c?.args).toEqual([
      '--max-old-space-size=384',
      '--max-semi-space-size=16',
      'controllers/main.ts',
      '--settle-delay=2s',
      '--http-port=9095',
      '--namespace=shop',
      '--no-leader-election',
      '--istiod-debug-url=http://istiod.mesh-control.svc:15014',
      '--istiod-token-file=/var/run/secrets/switchyard/istio-token',
      '--prometheus-url=http://prometheus.monitoring.svc:9090',
    ]);
    expect(c?.ports).toEqual([expect.objectContaining({ name: 'http-metrics', containerPort: 9095 })]);
    expect(c?.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } });
    // The istiod token from a Secret instead of a projected service account token.
    expect(controllers.pod.volumes).toEqual([{ name: 'istio-token', secret: expect.objectContaining({ secretName: 'istiod-debug-reader', items: [{ key: 'bearer', path: 'istio-token' }] }) }]);
    expect(controllers.annotations).toEqual({ 'sidecar.istio.io/inject': 'false', 'prometheus.io/scrape': 'true' });
    expect(controllers.pod.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(controllers.pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'platform', effect: 'NoSchedule' }]);
    expect(controllers.pod.affinity).toMatchObject({ podAntiAffinity: expect.any(Object) });

    const rls = deployment(stored, 'switchyard-ratelimit');
    const r = rls.pod.containers[0];
    expect(rls.replicas).toBe(4);
    expect(r?.image).toBe('registry.example.test/platform/switchyard:9.9.9');
    expect(r?.args).toEqual(['--max-semi-space-size=16', '--max-old-space-size=256', 'ratelimit/main.ts']);
    expect(r?.resources).toEqual({ requests: { cpu: '500m', memory: '192Mi' }, limits: { memory: '768Mi' } });
    expect(r?.env).toEqual(
      expect.arrayContaining([
        { name: 'REDIS_URL', value: 'redis://redis-primary.cache.svc.cluster.local:6380' },
        { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-auth', key: 'redis-password' } } },
        { name: 'RLS_RATE_LIMIT_HEADERS', value: 'true' },
      ]),
    );
    expect(rls.annotations).toEqual({ 'prometheus.io/port': '8080' });
    expect(rls.pod.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    expect(rls.pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(rls.pod.affinity).toMatchObject({ nodeAffinity: expect.any(Object) });
  });

  it('the projected token takes the audience and lifetime given; no istiod URL mounts no token', async () => {
    const projected = deployment(await render(NAMESPACE, '--set', 'istiod.token.audience=mesh-debug,istiod.token.expirationSeconds=7200'), 'switchyard-controllers');
    expect(projected.pod.volumes?.[0]?.projected?.sources[0]?.serviceAccountToken).toEqual({ audience: 'mesh-debug', expirationSeconds: 7200, path: 'istio-token' });
    const none = deployment(await render(NAMESPACE, '--set', 'istiod.debugUrl=,prometheus.url='), 'switchyard-controllers');
    expect(none.pod.volumes).toBeUndefined();
    expect(none.pod.containers[0]?.args.filter((a) => a.startsWith('--istiod') || a.startsWith('--prometheus'))).toEqual([]);
  });

  it('refuses a namespace other than switchyard-system, naming why', async () => {
    await expect(render('platform-routing')).rejects.toThrow(/install Switchyard into namespace switchyard-system \(got "platform-routing"\): the controllers' leader-election Lease/);
  });

  it('ratelimit.enabled=false renders no rate-limit service', async () => {
    const list = await render(NAMESPACE, '--set', 'ratelimit.enabled=false');
    expect(names(list).filter((n) => n.includes('ratelimit') && !n.startsWith('CustomResourceDefinition/'))).toEqual([]);
    expect(names(list)).toContain('Deployment/switchyard-controllers');
  });
});
