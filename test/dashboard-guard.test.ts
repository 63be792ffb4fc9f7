// What the dashboard refuses, against the embedded control plane and the real controllers: requests
// naming another Host (DNS rebinding), writes without the page's token or from another origin, bad
// commands, commands the walk cannot take, and — shown on the page in Chromium — the API server's
// own 403 when the user's RBAC forbids the patch or the watch.
import { request } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterSpec } from '../api/router.ts';
import { freeLoopbackPort } from '../dev/readiness.ts';
import type { Manager } from '../kube/manager.ts';
import { launchChromium, keepScreenshot, startDashboardProcess, type DashboardProcess } from './support/dashboard-browser.ts';
import { routerObject } from './support/router-scenario.ts';
import { applyAsUser, createNamespace, createObject, eventuallyPhase, liveRouter, startSwitchyardCluster, type SwitchyardCluster } from './support/switchyard-cluster.ts';

const NS = 'guard';
const PAGE_TIMEOUT_MS = 20_000;

/** A walk that stays at its first step for an hour: there is always something to promote. */
function walkSpec(weights: Record<string, number>): RouterSpec {
  return { port: 8080, subsets: [{ branch: 'main', versions: weights }], progression: { steps: [50], interval: '1h' } };
}

interface Reply {
  status: number;
  body: { error?: string; annotation?: string };
}

/** One request to the dashboard with exactly these headers (node:http: fetch would not send a foreign Host). */
function send(url: string, method: string, path: string, headers: Record<string, string>): Promise<Reply> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Reply['body'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

let cluster: SwitchyardCluster;
let manager: Manager;
let admin: DashboardProcess;
let limited: DashboardProcess;
let browser: Browser;
let token: string;

beforeAll(async () => {
  cluster = await startSwitchyardCluster();
  await createNamespace(cluster.admin, NS);
  manager = cluster.controllers();
  await manager.start();
  await applyAsUser(cluster.admin, routerObject(NS, 'search', walkSpec({ v1: 100, v2: 0 })));
  await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'search'), 'Ready');
  await applyAsUser(cluster.admin, routerObject(NS, 'search', walkSpec({ v1: 0, v2: 100 })));
  await eventuallyPhase(() => liveRouter(cluster.admin, NS, 'search'), 'Progressing');
  // Nothing listens on this port: the rates are unreachable from the first scrape.
  const closed = await freeLoopbackPort();
  admin = await startDashboardProcess(['--kubeconfig', cluster.cp.kubeconfigPath, '-n', NS, '--ratelimit-metrics', `http://127.0.0.1:${closed}/metrics`]);
  // The controller's identity may list and watch Routers but neither patch them nor list Events.
  limited = await startDashboardProcess(['--kubeconfig', cluster.cp.controllerKubeconfigPath, '-n', NS]);
  browser = await launchChromium();
  const html = await (await fetch(admin.url)).text();
  token = /name="switchyard-token" content="([^"]+)"/.exec(html)?.[1] ?? '';
});

afterAll(async () => {
  await browser?.close();
  const codes = [await admin?.stop(), await limited?.stop()];
  await manager?.stop();
  await cluster?.cp.stop();
  expect(codes).toEqual([0, 0]);
});

describe('requests the dashboard refuses', () => {
  it('answers only to its loopback Host: a DNS-rebinding page is refused before anything is read', async () => {
    const { port } = new URL(admin.url);
    const rebound = await send(admin.url, 'GET', '/api/snapshot', { host: `attacker.example:${port}` });
    expect(rebound).toEqual({ status: 403, body: { error: `Host must be one of 127.0.0.1:${port}, localhost:${port}, [::1]:${port} (got "attacker.example:${port}"): the dashboard answers only on the loopback address it bound` } });
    expect((await send(admin.url, 'GET', '/api/snapshot', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('takes a write only with the page\'s token and from its own origin', async () => {
    const host = new URL(admin.url).host;
    const path = `/api/routers/${NS}/search/pause`;
    expect(token).toMatch(/^[\w-]{32}$/);
    expect(await send(admin.url, 'POST', path, { host })).toMatchObject({ status: 403, body: { error: expect.stringContaining("header x-switchyard-token must carry this dashboard's token (missing)") } });
    expect(await send(admin.url, 'POST', path, { host, 'x-switchyard-token': token, origin: 'https://attacker.example' })).toMatchObject({ status: 403, body: { error: 'Origin must be the dashboard\'s own (got "https://attacker.example")' } });
    expect(await send(admin.url, 'GET', path, { host })).toMatchObject({ status: 405, body: { error: `${path} takes POST (got GET)` } });
    const live = await liveRouter(cluster.admin, NS, 'search');
    expect(live?.metadata.annotations?.['switchyard.io/progression']).toBeUndefined();
  });

  it('names the rule for a bad command, a missing Router and a walk that cannot take the command', async () => {
    const headers = { host: new URL(admin.url).host, 'x-switchyard-token': token };
    expect(await send(admin.url, 'POST', `/api/routers/${NS}/search/rollout`, headers)).toEqual({ status: 400, body: { error: 'command must be one of promote, abort, pause, resume (got "rollout")' } });
    expect(await send(admin.url, 'POST', `/api/routers/${NS}/nope/promote`, headers)).toEqual({ status: 404, body: { error: `promote Router ${NS}/nope: Router "nope" not found in namespace "${NS}"` } });
    expect(await send(admin.url, 'POST', `/api/routers/${NS}/search/resume`, headers)).toMatchObject({ status: 409, body: { error: expect.stringContaining('the walk is not paused (phase Progressing, step 1/2); nothing to resume') } });
    expect(await send(admin.url, 'GET', '/static/../../dashboard-server.ts', { host: new URL(admin.url).host })).toMatchObject({ status: 404 });
  });
});

describe('the page says what went wrong', () => {
  let page: Page;

  it('shows the API server\'s 403 when the user may not patch the Router, and the forbidden Event watch', async () => {
    page = await browser.newPage();
    await page.goto(limited.url);
    const router = page.locator(`[data-router="${NS}/search"]`);
    await expect.poll(() => router.locator('.walk .badge').textContent(), { timeout: PAGE_TIMEOUT_MS }).toBe('Progressing');
    await expect.poll(() => page.locator('#errors [data-kind="Event"]').textContent(), { timeout: PAGE_TIMEOUT_MS }).toContain('listing Events: forbidden (HTTP 403): events is forbidden: User "system:serviceaccount:switchyard-system:switchyard" cannot list resource "events"');
    await router.locator('button[data-command="promote"]').click();
    const result = router.locator('[data-testid="command-result"]');
    await expect.poll(() => result.textContent(), { timeout: PAGE_TIMEOUT_MS }).toMatch(/^promote failed \(HTTP 403\): promote Router guard\/search: the API server answered 403: routers\.switchyard\.io "search" is forbidden: User "system:serviceaccount:switchyard-system:switchyard" cannot patch resource "routers"/);
    expect(await result.getAttribute('class')).toContain('error');
    await keepScreenshot(page, 'forbidden');
    // Still walking: nothing was written.
    expect((await liveRouter(cluster.admin, NS, 'search'))?.status).toMatchObject({ progression: { phase: 'Progressing', step: 1 } });
  });

  it('clears the banner once the user may list Events: the watch recovers by itself and the walk\'s events arrive', async () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'event-reader', namespace: NS }, rules: [{ apiGroups: [''], resources: ['events'], verbs: ['list', 'watch'] }] };
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'event-reader', namespace: NS }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'event-reader' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:serviceaccount:switchyard-system:switchyard' }] };
    await createObject(cluster.admin, role);
    await createObject(cluster.admin, binding);
    // The informer retries with a backoff that has grown to seconds by now.
    await expect.poll(() => page.locator('#errors p').count(), { timeout: 45_000 }).toBe(0);
    const markers = page.locator(`[data-router="${NS}/search"] svg.timeline [data-reason]`);
    await expect.poll(() => markers.evaluateAll((els) => els.map((e) => e.getAttribute('data-reason'))), { timeout: PAGE_TIMEOUT_MS }).toEqual(expect.arrayContaining(['Walk', 'Step']));
  }, 60_000);

  it('says the rate-limit metrics are unreachable instead of showing zeros, and that they are off without the flag', async () => {
    const withUrl = await browser.newPage();
    await withUrl.goto(admin.url);
    await expect.poll(() => withUrl.locator('#rates-state').getAttribute('data-state'), { timeout: PAGE_TIMEOUT_MS }).toBe('unreachable');
    expect(await withUrl.locator('#rates-state').textContent()).toMatch(/Rate-limit metrics unreachable at http:\/\/127\.0\.0\.1:\d+\/metrics since .*: fetch failed \(ECONNREFUSED\)\. Rates are not shown\./);
    await expect.poll(() => page.locator('#rates-state').textContent(), { timeout: PAGE_TIMEOUT_MS }).toBe('no rate-limit metrics: start the dashboard with --ratelimit-metrics URL');
  });
});
