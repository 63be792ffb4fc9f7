/**
 * `kubectl switchyard dashboard`'s HTTP side (node:http, loopback only): the page and its static
 * files, the snapshot as JSON, Server-Sent Events that push a new snapshot on every change the
 * watches see, and the progression commands (POST), written with the user's own credentials.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ApiError, type KubeClient } from '../../kube/kube-client.ts';
import type { Logger } from '../../kube/types.ts';
import { CommandRefused, COMMANDS, isCommand, sendCommand } from '../cluster/progression-command.ts';
import { RouterNotFoundError } from '../cluster/read-routers.ts';
import { ClusterWatch } from './cluster-watch.ts';
import { DEFAULT_SCRAPE_INTERVAL_MS, RateScraper } from './ratelimit-rates.ts';
import { checkHost, checkWrite, TOKEN_HEADER } from './request-guard.ts';
import { buildSnapshot, type Snapshot } from './snapshot.ts';

/** The only address the dashboard binds: it acts with the user's credentials, so nobody else may reach it. */
export const LOOPBACK = '127.0.0.1';
/** Coalesces the burst of informer events of a list (or a controller's several writes) into one push. */
export const PUSH_DEBOUNCE_MS = 50;
/** A comment line this often keeps proxies and the browser from closing an idle event stream. */
export const SSE_HEARTBEAT_MS = 15_000;

const STATIC_DIR = join(import.meta.dirname, 'static');
const STATIC_FILES: Record<string, string> = {
  '/static/app.js': 'text/javascript; charset=utf-8',
  '/static/chart.js': 'text/javascript; charset=utf-8',
  '/static/render.js': 'text/javascript; charset=utf-8',
  '/static/style.css': 'text/css; charset=utf-8',
};
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
const COMMAND_PATH = /^\/api\/routers\/([a-z0-9][-a-z0-9]*)\/([a-z0-9][-a-z0-9.]*)\/([a-z]+)$/;

export interface DashboardOptions {
  client: KubeClient;
  /** Undefined: every namespace. */
  namespace: string | undefined;
  /** 0 picks a free port. */
  port: number;
  /** The rate-limit service's `/metrics`; undefined: the page says rates are off. */
  metricsUrl?: URL;
  scrapeIntervalMs?: number;
  log: Logger;
}

export interface Dashboard {
  url: string;
  port: number;
  /** The per-process token the page sends with every write. */
  token: string;
  snapshot(): Snapshot;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS });
  res.end(JSON.stringify(body));
}

/** A failed command as the page shows it: 404, 409 (no walk to steer), or the API server's own status and message. */
function commandFailure(res: ServerResponse, err: unknown, what: string): void {
  if (err instanceof RouterNotFoundError) sendJson(res, 404, { error: `${what}: ${err.message}` });
  else if (err instanceof CommandRefused) sendJson(res, 409, { error: `${what}: ${err.message}` });
  else if (err instanceof ApiError) sendJson(res, err.code >= 400 && err.code < 600 ? err.code : 502, { error: `${what}: the API server answered ${err.code}: ${err.serverMessage}` });
  else sendJson(res, 502, { error: `${what}: ${(err as Error).message}` });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The server's state: the watches, the rates, the open event streams and the write token. */
class DashboardServer {
  readonly token = randomBytes(24).toString('base64url');
  readonly #opts: DashboardOptions;
  readonly #apiServer: string;
  readonly #clients = new Set<ServerResponse>();
  readonly #watch: ClusterWatch;
  readonly #rates: RateScraper;
  readonly #http: Server;
  #pending: NodeJS.Timeout | undefined;
  port = 0;

  constructor(opts: DashboardOptions) {
    this.#opts = opts;
    this.#apiServer = opts.client.kubeConfig.getCurrentCluster()?.server ?? '';
    const changed = (): void => {
      this.#pending ??= setTimeout(() => this.#push(), PUSH_DEBOUNCE_MS);
    };
    this.#watch = new ClusterWatch({ client: opts.client, namespace: opts.namespace, log: opts.log, onChange: changed });
    this.#rates = new RateScraper(opts.metricsUrl, opts.scrapeIntervalMs ?? DEFAULT_SCRAPE_INTERVAL_MS, changed);
    this.#http = createServer((req, res) => {
      this.#route(req, res).catch((err: unknown) => {
        // The last guard: a handler bug answers 500 and the server keeps serving.
        opts.log.error('dashboard request failed', { path: req.url, error: err });
        if (!res.headersSent) sendJson(res, 500, { error: (err as Error).message });
        else res.end();
      });
    });
  }

  snapshot(): Snapshot {
    return buildSnapshot(this.#watch, this.#rates.view, { namespace: this.#opts.namespace, server: this.#apiServer, now: new Date() });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(this.#opts.port, LOOPBACK, () => resolve());
    });
    this.port = (this.#http.address() as AddressInfo).port;
    this.#watch.start();
    this.#rates.start();
  }

  async close(): Promise<void> {
    clearTimeout(this.#pending);
    this.#rates.stop();
    for (const c of this.#clients) c.end();
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
    await this.#watch.stop();
  }

  #push(): void {
    this.#pending = undefined;
    if (this.#clients.size === 0) return;
    const frame = `event: snapshot\ndata: ${JSON.stringify(this.snapshot())}\n\n`;
    for (const c of this.#clients) c.write(frame);
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = checkHost(req.headers.host, this.port);
    if (!host.ok) return sendJson(res, host.status, { error: host.message });
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    const match = COMMAND_PATH.exec(path);
    if (match !== null) return method === 'POST' ? this.#command(req, res, match) : sendJson(res, 405, { error: `${path} takes POST (got ${method})` });
    if (method !== 'GET') return sendJson(res, 405, { error: `${path} takes GET (got ${method})` });
    if (path === '/') return this.#page(res);
    if (path === '/api/snapshot') return sendJson(res, 200, this.snapshot());
    if (path === '/api/events') return this.#events(req, res);
    const type = STATIC_FILES[path];
    if (type === undefined) return sendJson(res, 404, { error: `no such page: ${path}` });
    res.writeHead(200, { 'content-type': type, ...SECURITY_HEADERS });
    res.end(await readFile(join(STATIC_DIR, path.slice('/static/'.length))));
  }

  async #page(res: ServerResponse): Promise<void> {
    const html = (await readFile(join(STATIC_DIR, 'index.html'), 'utf8')).replace('{{TOKEN}}', this.token);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
    res.end(html);
  }

  /** Server-Sent Events: the snapshot now, then one after every change; a heartbeat keeps the stream open. */
  #events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', ...SECURITY_HEADERS });
    res.write(`retry: 2000\nevent: snapshot\ndata: ${JSON.stringify(this.snapshot())}\n\n`);
    this.#clients.add(res);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), SSE_HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      this.#clients.delete(res);
    });
  }

  async #command(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray): Promise<void> {
    const guard = checkWrite({ token: header(req, TOKEN_HEADER), origin: header(req, 'origin'), secFetchSite: header(req, 'sec-fetch-site') }, this.token, this.port);
    if (!guard.ok) return sendJson(res, guard.status, { error: guard.message });
    const [, namespace, name, verb] = match as unknown as [string, string, string, string];
    if (!isCommand(verb)) return sendJson(res, 400, { error: `command must be one of ${COMMANDS.join(', ')} (got ${JSON.stringify(verb)})` });
    try {
      const { value } = await sendCommand(this.#opts.client, namespace, name, verb);
      this.#opts.log.info('progression command written', { namespace, name, value });
      sendJson(res, 200, { namespace, name, annotation: value });
    } catch (err) {
      commandFailure(res, err, `${verb} Router ${namespace}/${name}`);
    }
  }
}

/** Binds 127.0.0.1 (`port` 0: a free one), starts the watches and the rate scrapes; resolves once listening. */
export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const server = new DashboardServer(opts);
  await server.listen();
  return {
    url: `http://${LOOPBACK}:${server.port}/`,
    port: server.port,
    token: server.token,
    snapshot: () => server.snapshot(),
    close: () => server.close(),
  };
}
