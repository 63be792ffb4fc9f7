import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Response header naming the workload that answered, so traffic splits can be counted. */
export const WORKLOAD_HEADER = 'x-workload';

export interface VersionBackend {
  name: string;
  address: string;
  port: number;
  /** Requests answered so far (mirrored copies included). */
  requests(): number;
  stop(): Promise<void>;
}

/**
 * An HTTP server on `address` (a loopback address, kernel-chosen port) that answers every request
 * 200 with its workload name in the body and in the `x-workload` header.
 */
export function startVersionBackend(address: string, name: string): Promise<VersionBackend> {
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', [WORKLOAD_HEADER]: name }).end(name);
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, address, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        name,
        address,
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
