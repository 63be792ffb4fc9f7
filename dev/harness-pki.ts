import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Short-lived harness: ten years keeps a long-running `up` session from ever seeing expiry. */
const CERT_DAYS = '3650';

/** The identity Switchyard's controller runs as, matched by the project's RBAC (a ServiceAccount). */
export const CONTROLLER_USER = 'system:serviceaccount:switchyard-system:switchyard';
const CONTROLLER_GROUPS = ['system:serviceaccounts', 'system:serviceaccounts:switchyard-system', 'system:authenticated'];

export interface HarnessPki {
  caCert: string;
  /** The CA's key: signs the serving certificates of other harness servers (istiod's webhook). */
  caKey: string;
  servingCert: string;
  servingKey: string;
  saPrivateKey: string;
  saPublicKey: string;
  tokenFile: string;
  tokens: { admin: string; controller: string; controllerManager: string };
}

/** Runs `openssl` with `args`; a failure throws with its stderr. */
export async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? e.message}`);
  }
}

function token(): string {
  return randomBytes(24).toString('hex');
}

/**
 * Writes into `dir` a CA, an apiserver serving certificate for 127.0.0.1/localhost signed by it,
 * a service-account signing key pair, and a static token file with three identities: an admin
 * (system:masters), kube-controller-manager (system:masters, so its garbage collector may delete
 * anything) and Switchyard's controller (a non-admin ServiceAccount identity).
 */
export async function writeHarnessPki(dir: string): Promise<HarnessPki> {
  const p = (name: string) => join(dir, name);
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', CERT_DAYS, '-subj', '/CN=switchyard-harness-ca',
    '-keyout', p('ca.key'), '-out', p('ca.crt')]);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=kube-apiserver', '-keyout', p('apiserver.key'), '-out', p('apiserver.csr')]);
  await writeFile(p('apiserver.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await openssl(['x509', '-req', '-in', p('apiserver.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial',
    '-days', CERT_DAYS, '-extfile', p('apiserver.ext'), '-out', p('apiserver.crt')]);
  await openssl(['genrsa', '-out', p('sa.key'), '2048']);
  await openssl(['rsa', '-in', p('sa.key'), '-pubout', '-out', p('sa.pub')]);
  const tokens = { admin: token(), controller: token(), controllerManager: token() };
  const lines = [
    `${tokens.admin},switchyard-harness-admin,uid-harness-admin,"system:masters"`,
    `${tokens.controllerManager},system:kube-controller-manager,uid-harness-kcm,"system:masters"`,
    `${tokens.controller},${CONTROLLER_USER},uid-harness-switchyard,"${CONTROLLER_GROUPS.join(',')}"`,
  ];
  await writeFile(p('tokens.csv'), lines.join('\n') + '\n', { mode: 0o600 });
  return {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    servingCert: p('apiserver.crt'),
    servingKey: p('apiserver.key'),
    saPrivateKey: p('sa.key'),
    saPublicKey: p('sa.pub'),
    tokenFile: p('tokens.csv'),
    tokens,
  };
}

/** A serving certificate and its key, signed by the harness CA. */
export interface ServingCert {
  cert: string;
  key: string;
}

/**
 * Writes into `dir` a serving certificate for 127.0.0.1/localhost named `name`, signed by the
 * harness CA: what the API server must trust to call a webhook on loopback (istiod's validator).
 */
export async function writeServingCert(pki: HarnessPki, dir: string, name: string): Promise<ServingCert> {
  const p = (ext: string) => join(dir, `${name}.${ext}`);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', p('key'), '-out', p('csr')]);
  await writeFile(p('ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await openssl(['x509', '-req', '-in', p('csr'), '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial',
    '-days', CERT_DAYS, '-extfile', p('ext'), '-out', p('crt')]);
  return { cert: p('crt'), key: p('key') };
}

/** Writes a kubeconfig for one bearer-token user of the harness cluster. */
export async function writeKubeconfig(path: string, server: string, caCert: string, user: string, bearer: string): Promise<void> {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'switchyard-harness', cluster: { server, 'certificate-authority': caCert } }],
    users: [{ name: user, user: { token: bearer } }],
    contexts: [{ name: user, context: { cluster: 'switchyard-harness', user } }],
    'current-context': user,
  };
  // JSON is valid YAML, and every kubeconfig loader reads it.
  await writeFile(path, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
}
