import { describe, expect, it } from 'vitest';
import { API_VERSION } from '../../api/meta.ts';
import { renderRouter } from '../router/render-router.ts';
import { makeRouter } from '../router/router-fixtures.ts';
import { analyze, analyzeExitCode, formatFindings } from './analyze.ts';
import { controllerConfigAnnotations, readControllerConfig } from './controller-config.ts';
import type { AnalyzeInput, LooseObject } from './types.ts';

const NOW = new Date('2030-01-01T12:00:00Z');
const NS = 'sm-verify';
const router = makeRouter({ port: 9090, subsets: [{ branch: 'master', versions: { v1: 90, v2: 10 } }, { branch: 'box-1' }] });
const rendered = renderRouter(router);

const pod = (name: string, labels: Record<string, string>, extra: Partial<LooseObject> = {}): LooseObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels }, ...extra });
const healthyPods = [pod('v1-a', { app: 'sm-verify-page', branch: 'master', version: 'v1' }), pod('v2-a', { app: 'sm-verify-page', branch: 'master', version: 'v2' }), pod('box-a', { app: 'sm-verify-page', branch: 'box-1' })];

function input(over: Partial<AnalyzeInput> = {}): AnalyzeInput {
  return {
    routers: [router],
    filters: [],
    rateLimits: [],
    virtualServices: [rendered.virtualService],
    destinationRules: [rendered.destinationRule],
    services: [],
    pods: healthyPods,
    controllerConfig: readControllerConfig({ metadata: { namespace: 'switchyard-system', name: 'switchyard-controllers', annotations: controllerConfigAnnotations({ istiodUrls: ['http://istiod:15014'] }) } }),
    now: NOW,
    ...over,
  };
}

const codes = (i: AnalyzeInput): string[] => analyze(i).map((f) => `${f.severity} ${f.code} ${f.object.kind} ${f.object.name}`);

describe('analyze', () => {
  it('finds nothing in a healthy namespace and exits 0', () => {
    const findings = analyze(input());
    expect(findings).toEqual([]);
    expect(analyzeExitCode(findings)).toBe(0);
    expect(formatFindings(findings, 'namespace sm-verify')).toBe('✔ No validation issues found when analyzing namespace sm-verify.');
  });

  it('SY0101: a subset matching no pod is an error when it gets traffic, a warning when not', () => {
    const pods = healthyPods.filter((p) => p.metadata.name !== 'v2-a' && p.metadata.name !== 'box-a');
    // A finished pod does not count.
    pods.push(pod('v2-done', { app: 'sm-verify-page', branch: 'master', version: 'v2' }, { status: { phase: 'Succeeded' } }));
    const findings = analyze(input({ pods }));
    expect(findings.map((f) => [f.severity, f.code, f.message])).toEqual([
      ['error', 'SY0101', 'spec.subsets[1] (subset master-v2 of Router sm-verify-page) selects pods app=sm-verify-page,branch=master,version=v2: no running pod in namespace sm-verify has these labels; it receives traffic (weight 10), which fails with 503 no healthy upstream'],
      ['error', 'SY0101', 'spec.subsets[2] (subset box-1 of Router sm-verify-page) selects pods app=sm-verify-page,branch=box-1: no running pod in namespace sm-verify has these labels; it receives traffic (weight 100), which fails with 503 no healthy upstream'],
    ]);
    expect(analyzeExitCode(findings)).toBe(1);
    const zero = renderRouter(makeRouter({ port: 9090, subsets: [{ branch: 'master', versions: { v1: 100, v2: 0 } }] }));
    expect(codes(input({ pods, virtualServices: [zero.virtualService], destinationRules: [zero.destinationRule] }))).toEqual(['warning SY0101 DestinationRule sm-verify-page']);
  });

  it('SY0201: a hand-written VirtualService routing to a Switchyard subset, not one routing to its own', () => {
    const foreign = (subset: string): LooseObject => ({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'edge', namespace: NS },
      spec: { hosts: ['edge.example.com'], http: [{ route: [{ destination: { host: 'sm-verify-page', subset } }] }] },
    });
    const findings = analyze(input({ virtualServices: [rendered.virtualService, foreign('master-v1')] }));
    expect(findings.map((f) => [f.severity, f.code, f.object, f.message])).toEqual([
      ['warning', 'SY0201', { kind: 'VirtualService', namespace: NS, name: 'edge' }, 'spec.http[0].route[0].destination routes to subset master-v1 of host sm-verify-page.sm-verify.svc.cluster.local, which Router sm-verify/sm-verify-page generates and removes when its versions change; route through the Router (or an IstioFilter on it) instead'],
    ]);
    expect(analyzeExitCode(findings)).toBe(0);
    expect(analyzeExitCode(findings, 'warning')).toBe(1);
    expect(analyze(input({ virtualServices: [rendered.virtualService, foreign('their-own')] }))).toEqual([]);
  });

  it('SY0301: two global RateLimits on one proxy with the same stage and domain; apart by stage, domain, mode or pods they do not', () => {
    const rl = (name: string, spec: Record<string, unknown>): LooseObject => ({ apiVersion: API_VERSION, kind: 'RateLimit', metadata: { name, namespace: NS }, spec: { quota: 10, unit: 'SECOND', ...spec } });
    const a = rl('a', { hosts: ['sm-verify-page:9090'] });
    const b = rl('b', { workloadSelector: { labels: { version: 'v2' } } });
    const findings = analyze(input({ rateLimits: [a, b] }));
    expect(findings.map((f) => [f.severity, f.code, f.object.name, f.message])).toEqual([
      ['error', 'SY0301', 'b', 'lands on the same proxies as RateLimit sm-verify/a (workloads version=v2 and app=sm-verify-page; both select pod v2-a) with the same stage 0 and domain switchyard: each request is counted by both; set spec.stage or spec.domain apart'],
    ]);
    expect(analyze(input({ rateLimits: [a, rl('b', { workloadSelector: { labels: { version: 'v2' } }, stage: 1 })] }))).toEqual([]);
    expect(analyze(input({ rateLimits: [a, rl('b', { workloadSelector: { labels: { version: 'v2' } }, domain: 'other' })] }))).toEqual([]);
    expect(analyze(input({ rateLimits: [a, rl('b', { workloadSelector: { labels: { version: 'v2' } }, mode: 'local' })] }))).toEqual([]);
    expect(analyze(input({ rateLimits: [a, rl('b', { workloadSelector: { labels: { app: 'other' } } })] }))).toEqual([]);
    expect(codes(input({ rateLimits: [a, rl('b', { workloadSelector: { labels: { version: 'v9' } } })] }))).toEqual(['warning SY0301 RateLimit b']);
  });

  it('SY0401/SY0402: a filter expiring within the hour warns, an expired one informs, a later one is quiet', () => {
    const f = (name: string, expiresAt: string): LooseObject => ({ apiVersion: API_VERSION, kind: 'IstioFilter', metadata: { name, namespace: NS }, spec: { target: { router: 'sm-verify-page' }, expiresAt, patches: [{ timeout: '1s' }] } });
    const findings = analyze(input({ filters: [f('soon', '2030-01-01T12:20:00Z'), f('gone', '2030-01-01T11:00:00Z'), f('later', '2030-01-01T13:00:01Z')] }));
    expect(findings.map((x) => [x.severity, x.code, x.object.name, x.message])).toEqual([
      ['warning', 'SY0401', 'soon', 'spec.expiresAt 2030-01-01T12:20:00Z is in 20 minutes: its 1 patch(es) leave the routes from Router sm-verify-page then'],
      ['info', 'SY0402', 'gone', 'spec.expiresAt 2030-01-01T11:00:00Z has passed: the filter applies nothing; delete it when the experiment is over'],
    ]);
  });

  it('SY0501/SY0502: a verified Router warns when the controllers publish istiod-url=unset, informs when nothing is published', () => {
    const verified = makeRouter({ port: 9090, subsets: [{ branch: 'master' }], propagation: { mode: 'verified' } });
    const unset = readControllerConfig({ metadata: { namespace: 'switchyard-system', name: 'switchyard-controllers', annotations: controllerConfigAnnotations({ istiodUrls: [], prometheusUrl: 'http://prom:9090' }) } });
    expect(unset).toEqual({ source: 'Lease switchyard-system/switchyard-controllers', istiodUrl: 'unset', prometheusUrl: 'http://prom:9090' });
    expect(analyze(input({ routers: [verified], controllerConfig: unset, virtualServices: [], destinationRules: [] })).map((x) => [x.severity, x.code, x.message])).toEqual([
      ['warning', 'SY0501', 'spec.propagation.mode is verified, but the controllers run without --istiod-debug-url (Lease switchyard-system/switchyard-controllers: switchyard.io/istiod-url=unset): steps wait the settle delay instead, unconfirmed by istiod'],
    ]);
    expect(codes(input({ routers: [verified], controllerConfig: undefined, virtualServices: [], destinationRules: [] }))).toEqual(['info SY0502 Router sm-verify-page']);
    expect(analyze(input({ routers: [verified], virtualServices: [], destinationRules: [] }))).toEqual([]);
    expect(codes(input({ routers: [router], controllerConfig: unset }))).toEqual([]);
  });

  it('SY0001: a Switchyard object failing its schema, with the field', () => {
    const bad = { ...router, metadata: { name: 'bad', namespace: NS }, spec: { ...router.spec, port: 0 } };
    expect(analyze(input({ routers: [router, bad] })).map((x) => [x.code, x.object.name, x.message])).toEqual([['SY0001', 'bad', 'fails its schema, so the controller ignores it: spec.port: Too small: expected number to be >=1']]);
  });
});
