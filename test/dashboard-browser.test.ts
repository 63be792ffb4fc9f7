// `kubectl switchyard dashboard` in a real headless Chromium against the embedded control plane
// with the real controllers, a real rate-limit service process and a real Prometheus behind the
// walk's checks: the page shows what the API server holds, a weight change arrives without a
// reload, promote drives a walk to Promoted through the controller, RateLimit rates are live
// (and said unreachable once the service stops). Screenshots land in test-artifacts/dashboard/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateLimit } from '../api/rate-limit.ts';
import type { RouterSpec } from '../api/router.ts';
import { COMMAND_ANNOTATION } from '../core/progression/walk.ts';
import { rateLimitDescriptor } from '../core/ratelimit/descriptor.ts';
import { startPrometheus, type PrometheusInstance } from '../dev/prometheus.ts';
import type { Manager } from '../kube/manager.ts';
import { keepScreenshot, launchChromium, maybeDocsScreenshot, startDashboardProcess, type DashboardProcess } from './support/dashboard-browser.ts';
import { startRlsProcess, type RlsProcess } from './support/rls-process.ts';
import { routerObject, seedSpec } from './support/router-scenario.ts';
import { applyAsUser, createNamespace, createObject, eventuallyPhase, liveRouter, startSwitchyardCluster, type SwitchyardCluster } from './support/switchyard-cluster.ts';

const NS = 'dash';
const RATE_LIMIT: RateLimit = { apiVersion: 'switchyard.io/v1alpha1', kind: 'RateLimit', metadata: { name: 'page-limit', namespace: NS }, spec: { hosts: [`page.${NS}.svc.cluster.local:9090`], quota: 5, unit: 'SECOND' } };
/** What the page can take to show a change: the controller's settle steps, the watch and one push. */
const PAGE_TIMEOUT_MS = 20_000;

function walkedSpec(prometheusUrl: string, weights: Record<string, number>): RouterSpec {
  return {
    port: 8080,
    subsets: [{ branch: 'main', versions: weights }],
    progression: {
      steps: [10, 50],
      interval: '2s',
      pauseAt: [50],
      prometheus: { url: prometheusUrl },
      analysis: [
        { name: 'rls-up', query: '100 * avg(up{job="ratelimit"})', min: 99 },
        { name: 'rls-hits', query: 'sum(switchyard_rls_descriptor_hits_total) or vector(0)', max: 1e9 },
      ],
    },
  };
}

let cluster: SwitchyardCluster;
let manager: Manager;
let rls: RlsProcess;
let prometheus: PrometheusInstance;
let dashboard: DashboardProcess;
let browser: Browser;
let page: Page;
let traffic: NodeJS.Timeout | undefined;
let navigations = 0;
const promDir = mkdtempSync(join(tmpdir(), 'sy-dash-prom-'));

/** Counted decisions on the RateLimit's descriptor, as Envoy would ask: 20 every 500 ms against a quota of 5/s. */
function startTraffic(): void {
  const d = rateLimitDescriptor(RATE_LIMIT);
  const body = JSON.stringify({ domain: d.domain, descriptors: [{ entries: d.entries }] });
  const burst = (): void => {
    const calls = Array.from({ length: 20 }, () => fetch(`http://127.0.0.1:${rls.httpPort}/debug/decide?count=true`, { method: 'POST', body }).then((r) => r.arrayBuffer()));
    void Promise.allSettled(calls).then(() => {
      if (traffic !== undefined) traffic = setTimeout(burst, 500);
    });
  };
  traffic = setTimeout(burst, 0);
}

beforeAll(async () => {
  cluster = await startSwitchyardCluster();
  await createNamespace(cluster.admin, NS);
  manager = cluster.controllers();
  await manager.start();
  rls = await startRlsProcess({ rateLimits: [RATE_LIMIT] });
  prometheus = await startPrometheus({ dataDir: promDir, scrapeIntervalMs: 500, targets: [{ job: 'ratelimit', address: `127.0.0.1:${rls.httpPort}`, metricsPath: '/metrics' }] });
  await applyAsUser(cluster.admin, routerObject(NS, 'page', seedSpec()));
  await applyAsUser(cluster.admin, routerObject(NS, 'checkout', walkedSpec(prometheus.url, { v1: 100, v2: 0 })));
  await createObject(cluster.admin, RATE_LIMIT);
  await createObject(cluster.admin, { apiVersion: 'switchyard.io/v1alpha1', kind: 'IstioFilter', metadata: { name: 'retries', namespace: NS }, spec: { target: { router: 'page' }, priority: 10, patches: [{ retries: { attempts: 3, perTryTimeout: '2s' } }] } });
  await createObject(cluster.admin, { apiVersion: 'switchyard.io/v1alpha1', kind: 'IstioFilter', metadata: { name: 'chaos-delay', namespace: NS }, spec: { target: { router: 'page' }, priority: -5, patches: [{ fault: { delay: { fixedDelay: '2s', percentage: 10 } } }] } });
  await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'page'), 'Ready');
  startTraffic();
  dashboard = await startDashboardProcess(['--kubeconfig', cluster.cp.kubeconfigPath, '-n', NS, '--ratelimit-metrics', `http://127.0.0.1:${rls.httpPort}/metrics`]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1120, height: 900 } });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) navigations += 1;
  });
  await page.goto(dashboard.url);
});

afterAll(async () => {
  const t = traffic;
  traffic = undefined;
  clearTimeout(t);
  await browser?.close();
  const code = await dashboard?.stop();
  await prometheus?.stop();
  await rls?.dispose();
  await manager?.stop();
  await cluster?.cp.stop();
  rmSync(promDir, { recursive: true, force: true });
  // Ctrl-C ends the dashboard cleanly.
  expect(code).toBe(0);
});

const router = (name: string) => page.locator(`[data-router="${NS}/${name}"]`);

describe('the dashboard in Chromium', () => {
  it('shows the Routers, weights and filter chain the API server holds, with field provenance', async () => {
    await expect.poll(() => page.locator('#connection').textContent(), { timeout: PAGE_TIMEOUT_MS }).toBe('live');
    expect(await page.locator('#scope').textContent()).toContain(`namespace ${NS}`);
    expect(await page.locator('[data-router]').evaluateAll((els) => els.map((e) => e.getAttribute('data-router')))).toEqual([`${NS}/checkout`, `${NS}/page`]);
    const weight = (v: string) => router('page').locator(`[data-branch="master"] [data-version="${v}"] .weight-live`).textContent();
    expect(await weight('v1.0.1')).toBe('90%');
    expect(await weight('v1.0.2')).toBe('10%');
    await expect.poll(() => router('page').locator('[data-filter]').evaluateAll((els) => els.map((e) => e.getAttribute('data-filter'))), { timeout: PAGE_TIMEOUT_MS }).toEqual(['chaos-delay', 'retries']);
    await expect.poll(() => router('page').locator('[data-filter="retries"] .badge').first().textContent(), { timeout: PAGE_TIMEOUT_MS }).toBe('Applied');
    const fields = await router('page').locator('[data-filter="chaos-delay"] [data-field]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')));
    expect(fields).toEqual(expect.arrayContaining([expect.stringMatching(/^VirtualService spec\.http\[\d\]\.fault\.delay\.fixedDelay$/)]));
    expect(await router('page').locator('details.explain pre').textContent()).toContain('IstioFilter dash/retries patch 0 (retries), priority 10');
    await keepScreenshot(page, 'routers');
  });

  it('shows a weight change made through the API server without a reload', async () => {
    const before = navigations;
    await page.evaluate(() => ((globalThis as unknown as { stayed: boolean }).stayed = true));
    await router('page').locator('details.explain summary').click();
    await applyAsUser(cluster.admin, routerObject(NS, 'page', { ...seedSpec(), subsets: [{ branch: 'master', versions: { 'v1.0.1': 70, 'v1.0.2': 30 } }, { branch: 'box-0999' }] }));
    const weight = router('page').locator('[data-branch="master"] [data-version="v1.0.2"] .weight-live');
    await expect.poll(() => weight.textContent(), { timeout: PAGE_TIMEOUT_MS }).toBe('30%');
    expect(await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(navigations).toBe(before);
    // What the user unfolded stays unfolded across the pushes.
    expect(await router('page').locator('details.explain').getAttribute('open')).toBe('');
    expect(await router('page').locator('details.explain pre').textContent()).toMatch(/weight: 30 +# Router/);
  });

  it('charts a walk from its events and watched statuses, and promote drives it to Promoted through the controller', async () => {
    await applyAsUser(cluster.admin, routerObject(NS, 'checkout', walkedSpec(prometheus.url, { v1: 0, v2: 100 })));
    // The walk reaches its pauseAt step (50%) after one analysed step with real check values.
    await expect.poll(() => router('checkout').locator('.walk').textContent(), { timeout: 60_000 }).toContain('step 2/3, canary 50%');
    await expect.poll(() => router('checkout').locator('.walk .badge').textContent(), { timeout: PAGE_TIMEOUT_MS }).toBe('Paused');
    expect(await router('checkout').locator('[data-check="rls-up"] td').nth(1).textContent()).toBe('100');
    const chart = router('checkout').locator('svg.timeline');
    expect(await chart.locator('[data-reason]').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')))).toEqual(expect.arrayContaining(['Walk', 'Step', 'Paused']));
    expect(await chart.locator('.check-panel').evaluateAll((els) => els.map((e) => e.getAttribute('data-check')))).toEqual(['rls-hits', 'rls-up']);
    await keepScreenshot(page, 'walk-paused');
    await maybeDocsScreenshot(page);

    await router('checkout').locator('button[data-command="promote"]').click();
    await expect.poll(() => router('checkout').locator('[data-testid="command-result"]').textContent(), { timeout: PAGE_TIMEOUT_MS }).toMatch(/^promote: annotation switchyard\.io\/progression=promote@\w+ written/);
    const live = await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'checkout'), 'Ready', 30_000);
    expect(live.metadata.annotations?.[COMMAND_ANNOTATION]).toMatch(/^promote@\w+$/);
    expect(live.status).toMatchObject({ weights: 'v1=0,v2=100', progression: { phase: 'Promoted', command: live.metadata.annotations?.[COMMAND_ANNOTATION] } });
    await expect.poll(() => router('checkout').locator('.walk .badge').textContent(), { timeout: PAGE_TIMEOUT_MS }).toBe('Promoted');
    await expect.poll(() => chart.locator('[data-reason]').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason'))), { timeout: PAGE_TIMEOUT_MS }).toEqual(expect.arrayContaining(['Command', 'Promoted']));
    await keepScreenshot(page, 'walk-promoted');
  }, 120_000);

  it('abort rolls a new walk back to the promoted weights through the controller, and the buttons follow the phase', async () => {
    // The previous test promoted v1=0,v2=100: walking back to v1 is a new walk, held at its pause.
    await applyAsUser(cluster.admin, routerObject(NS, 'checkout', walkedSpec(prometheus.url, { v1: 100, v2: 0 })));
    await expect.poll(() => router('checkout').locator('.walk .badge').textContent(), { timeout: 60_000 }).toBe('Paused');
    const enabled = (): Promise<string[]> => router('checkout').locator('button[data-command]:not([disabled])').evaluateAll((els) => els.map((e) => e.getAttribute('data-command') ?? ''));
    expect((await enabled()).sort()).toEqual(['abort', 'promote', 'resume']);

    await router('checkout').locator('button[data-command="abort"]').click();
    await expect.poll(() => router('checkout').locator('[data-testid="command-result"]').textContent(), { timeout: PAGE_TIMEOUT_MS }).toMatch(/^abort: annotation switchyard\.io\/progression=abort@\w+ written/);
    const live = await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'checkout'), 'RolledBack', 30_000);
    expect(live.status).toMatchObject({ weights: 'v1=0,v2=100', progression: { phase: 'RolledBack', command: live.metadata.annotations?.[COMMAND_ANNOTATION] } });
    await expect.poll(() => router('checkout').locator('.walk .badge').textContent(), { timeout: PAGE_TIMEOUT_MS }).toBe('RolledBack');
    expect(await enabled()).toEqual([]);
    await keepScreenshot(page, 'walk-aborted');
  }, 120_000);

  it('shows live hit and over-limit rates from the rate-limit service, and says when it is unreachable', async () => {
    const row = page.locator(`[data-ratelimit="${NS}/page-limit"]`);
    await expect.poll(async () => Number.parseFloat((await row.locator('.rate-over').textContent()) ?? ''), { timeout: PAGE_TIMEOUT_MS }).toBeGreaterThan(0);
    const hits = Number.parseFloat((await row.locator('.rate-hits').textContent()) ?? '');
    // 20 decisions every ~500 ms: tens per second, of which all beyond 5/s are over the limit.
    expect(hits).toBeGreaterThan(5);
    expect(await page.locator('#rates-state').getAttribute('data-state')).toBe('live');
    await keepScreenshot(page, 'ratelimits-live');
    await rls.stop();
    await expect.poll(() => page.locator('#rates-state').getAttribute('data-state'), { timeout: PAGE_TIMEOUT_MS }).toBe('unreachable');
    expect(await page.locator('#rates-state').textContent()).toContain(`Rate-limit metrics unreachable at http://127.0.0.1:${rls.httpPort}/metrics`);
    expect(await row.locator('.rate-hits').textContent()).toBe('unreachable');
  }, 60_000);
});
