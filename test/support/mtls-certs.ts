import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openssl } from '../../dev/harness-pki.ts';
import type { DownstreamTls } from './envoy-config-from-filter.ts';

/** A client certificate and key (PEM) whose only URI SAN is `uri`. */
export interface ClientIdentity {
  uri: string;
  cert: string;
  key: string;
}

export interface MeshCerts {
  /** For Envoy's listener: a serving certificate for 127.0.0.1, and the CA it trusts callers by. */
  server: DownstreamTls;
  /** The CA (PEM), for clients to trust the server by. */
  ca: string;
  clients: ClientIdentity[];
}

/** P-256 keys: much faster to make than RSA, and what Istio's own workload certificates use. */
const KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function signed(dir: string, ca: { cert: string; key: string }, name: string, san: string): Promise<{ cert: string; key: string }> {
  const [key, csr, cert, ext] = ['key', 'csr', 'crt', 'ext'].map((suffix) => join(dir, `${name}.${suffix}`)) as [string, string, string, string];
  await writeFile(ext, `subjectAltName=${san}\n`);
  await openssl(['req', ...KEY, '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '1', '-extfile', ext]);
  return { cert: await readFile(cert, 'utf8'), key: await readFile(key, 'utf8') };
}

/**
 * A throwaway CA in `dir`, a serving certificate for 127.0.0.1 and one client certificate per URI
 * SAN in `uris` (a workload's SPIFFE identity, as Istio issues them).
 */
export async function writeMeshCerts(dir: string, uris: readonly string[]): Promise<MeshCerts> {
  const ca = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  await openssl(['req', '-x509', ...KEY, '-keyout', ca.key, '-out', ca.cert, '-days', '1', '-subj', '/CN=switchyard-test-ca']);
  const caPem = await readFile(ca.cert, 'utf8');
  const server = await signed(dir, ca, 'envoy', 'IP:127.0.0.1');
  const clients: ClientIdentity[] = [];
  for (const [i, uri] of uris.entries()) clients.push({ uri, ...(await signed(dir, ca, `client${i}`, `URI:${uri}`)) });
  return { server: { certChain: server.cert, privateKey: server.key, trustedCa: caPem }, ca: caPem, clients };
}
