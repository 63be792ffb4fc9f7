import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { QuotaTableSource } from '../config/quota-source.ts';
import type { Logger } from './json-logger.ts';
import type { RateLimitDecider } from './rate-limit-decider.ts';
import type { RlsMetrics } from './rls-metrics.ts';
import { errorDisposition, errorMessage, InvalidRequestError } from './service-errors.ts';
import { validateRequest } from './validate-request.ts';

/** A decide request body is a small JSON document; 1 MiB is generous and bounds memory. */
export const MAX_DEBUG_BODY_BYTES = 1024 * 1024;
/**
 * An oversized body is still read to its end, and dropped, so that a client that is still sending
 * gets its 400 rather than a reset connection. Past this much the connection is cut: it bounds
 * what one request can make the server read.
 */
export const MAX_DEBUG_DISCARD_BYTES = 16 * MAX_DEBUG_BODY_BYTES;

export interface HttpServerDeps {
  source: QuotaTableSource;
  decider: RateLimitDecider;
  metrics: RlsMetrics;
  log: Logger;
  /** Why the service is not ready, or undefined when it is. */
  notReadyReason: () => string | undefined;
}

/**
 * The operator's HTTP side:
 * - `GET /healthz` 200 while the process runs; `GET /readyz` 200 when ready, else 503 + reason;
 * - `GET /metrics` Prometheus text;
 * - `GET /debug/quotas` the live quota table as JSON;
 * - `POST /debug/decide[?count=true]` a JSON body shaped like the gRPC request → the decision as
 *   JSON. Without `count=true` nothing is counted (hits 0), so it is safe against production.
 */
export function createHttpServer(deps: HttpServerDeps): Server {
  return createServer((req, res) => {
    route(deps, req, res).catch((err: unknown) => {
      deps.log.error('http handler failed', { path: req.url, error: errorMessage(err) });
      if (!res.headersSent) sendJson(res, 500, { error: errorMessage(err) });
    });
  });
}

async function route(deps: HttpServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const key = `${req.method ?? 'GET'} ${url.pathname}`;
  switch (key) {
    case 'GET /healthz':
      return sendText(res, 200, 'ok\n');
    case 'GET /readyz': {
      const reason = deps.notReadyReason();
      return reason === undefined ? sendText(res, 200, 'ready\n') : sendText(res, 503, `not ready: ${reason}\n`);
    }
    case 'GET /metrics': {
      const text = await deps.metrics.expose();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(text);
      return;
    }
    case 'GET /debug/quotas':
      return sendJson(res, 200, describeQuotas(deps.source));
    case 'POST /debug/decide':
      return decide(deps, req, res, url.searchParams.get('count') === 'true');
    default:
      return sendJson(res, 404, { error: `no route for ${key}` });
  }
}

async function decide(deps: HttpServerDeps, req: IncomingMessage, res: ServerResponse, count: boolean): Promise<void> {
  try {
    const body = await readBody(req);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (err) {
      throw new InvalidRequestError('body', 'must be JSON', errorMessage(err));
    }
    sendJson(res, 200, await deps.decider.decide(validateRequest(parsed), { count }));
  } catch (err) {
    const disposition = errorDisposition(err);
    sendJson(res, disposition.httpStatus, { error: errorMessage(err) });
  }
}

function describeQuotas(source: QuotaTableSource): unknown {
  const snapshot = source.current();
  if (snapshot === undefined) return { loaded: false, entries: [] };
  return { loaded: true, origin: snapshot.origin, format: snapshot.format, loadedAt: new Date(snapshot.loadedAt).toISOString(), entries: snapshot.index.entries() };
}

/** The body as text; InvalidRequestError (→ 400) once it is whole, if it is over the limit. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () => new InvalidRequestError('body', `must be at most ${MAX_DEBUG_BODY_BYTES} bytes`, `${size} bytes`);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_DEBUG_BODY_BYTES) chunks.push(chunk);
      else if (size > MAX_DEBUG_DISCARD_BYTES) req.destroy();
    });
    req.on('end', () => (size > MAX_DEBUG_BODY_BYTES ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
    // Destroyed (by us past the discard limit, or by the client): settles what nothing else would.
    req.on('close', () => reject(size > MAX_DEBUG_BODY_BYTES ? tooLarge() : new Error('request closed before its body ended')));
  });
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}
