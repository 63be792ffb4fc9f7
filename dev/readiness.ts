import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { tailLog, type ManagedProcess } from './managed-process.ts';

/** Fast enough that startup is not padded, slow enough not to flood the server logs. */
const POLL_MS = 100;
/** One probe may hang while a server starts; give up on it and poll again. */
const PROBE_TIMEOUT_MS = 2_000;

/** A TCP port on 127.0.0.1 that was free a moment ago (found by binding port 0). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ProbeOptions {
  /** PEM CA bundle for https; omitted means the server's certificate is not checked. */
  ca?: Buffer;
  bearer?: string;
}

/** True when GET `url` answers 200; false on any other status or connection error. */
export function probe(url: string, opts: ProbeOptions = {}): Promise<boolean> {
  const https = url.startsWith('https:');
  const request = https ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'GET',
        timeout: PROBE_TIMEOUT_MS,
        headers: opts.bearer ? { authorization: `Bearer ${opts.bearer}` } : {},
        ...(https ? { ca: opts.ca, rejectUnauthorized: opts.ca !== undefined } : {}),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * Polls `check` until it returns true. Throws, quoting the tail of the process log, when the
 * process exits first or `timeoutMs` passes.
 */
export async function waitUntilReady(proc: ManagedProcess, what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (proc.hasExited()) {
      const how = await proc.exited;
      throw new Error(`${proc.name} exited (${how}) before ${what}; last lines of ${proc.logPath}:\n${tailLog(proc.logPath)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${proc.name}: ${what} not reached after ${timeoutMs} ms; last lines of ${proc.logPath}:\n${tailLog(proc.logPath)}`);
    }
    await sleep(POLL_MS);
  }
}
