import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The body every backend response carries, so a test can tell the backend answered (not Envoy). */
export const BACKEND_BODY = 'backend ok';

export interface HttpBackend {
  port: number;
  /** Requests the backend has answered. */
  requests(): number;
  stop(): Promise<void>;
}

/** A tiny HTTP server on 127.0.0.1 (kernel-chosen port) answering every request 200 `BACKEND_BODY`. */
export function startHttpBackend(): Promise<HttpBackend> {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(BACKEND_BODY);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        requests: () => count,
        stop: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
