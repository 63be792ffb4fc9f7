import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startManagedProcess, type ManagedProcess } from './managed-process.ts';
import { probe, waitUntilReady } from './readiness.ts';

/** istiod needs its informers synced and the first push context built: seconds, more on a loaded host. */
const ISTIOD_READY_TIMEOUT_MS = 90_000;

export interface IstiodOptions {
  binary: string;
  kubeconfig: string;
  logDir: string;
  accessLogPath: string;
  ports: { grpcPort: number; httpPort: number; monitoringPort: number };
  debounceAfter: string;
  /**
   * Serve Istio's validating webhook (`/validate`) over HTTPS on 127.0.0.1:`port`, with a serving
   * certificate the API server trusts (`caFile` signed `certFile`). Absent: no HTTPS server.
   */
  webhook?: { port: number; certFile: string; keyFile: string; caFile: string };
}

/** istiod's flags for its HTTPS (webhook) server: off, or on loopback with the given certificate. */
function webhookArgs(o: IstiodOptions): string[] {
  if (!o.webhook) return ['--httpsAddr='];
  const w = o.webhook;
  return [`--httpsAddr=127.0.0.1:${w.port}`, `--tlsCertFile=${w.certFile}`, `--tlsKeyFile=${w.keyFile}`, `--caCertFile=${w.caFile}`];
}

/** Mesh config for an out-of-cluster istiod serving upstream Envoy (no mTLS, no Istio-only filters). */
function meshConfig(o: IstiodOptions): string {
  return [
    'rootNamespace: istio-system',
    'trustDomain: cluster.local',
    'enableAutoMtls: false',
    'enableTracing: false',
    'ingressControllerMode: "OFF"',
    `accessLogFile: ${JSON.stringify(o.accessLogPath)}`,
    'accessLogEncoding: JSON',
    'defaultConfig:',
    `  discoveryAddress: 127.0.0.1:${o.ports.grpcPort}`,
    '  controlPlaneAuthPolicy: NONE',
    '',
  ].join('\n');
}

/**
 * Runs istiod (pilot-discovery) out of cluster: plaintext xDS on loopback, CA and the injector
 * off, Istio-only Envoy filters off, access logs as JSON lines; the validating webhook served only
 * with `webhook` (and never registered by istiod itself: the caller registers it). Resolves once
 * /ready answers (which, with `webhook`, includes the HTTPS server listening).
 */
export async function startIstiod(o: IstiodOptions): Promise<ManagedProcess> {
  const meshPath = join(o.logDir, 'mesh.yaml');
  const networksPath = join(o.logDir, 'meshNetworks.yaml');
  await writeFile(meshPath, meshConfig(o));
  await writeFile(networksPath, 'networks: {}\n');
  const proc = startManagedProcess({
    name: 'istiod',
    command: o.binary,
    args: [
      'discovery',
      `--kubeconfig=${o.kubeconfig}`,
      `--meshConfig=${meshPath}`,
      `--networksConfig=${networksPath}`,
      `--grpcAddr=127.0.0.1:${o.ports.grpcPort}`,
      '--secureGRPCAddr=',
      ...webhookArgs(o),
      `--httpAddr=127.0.0.1:${o.ports.httpPort}`,
      `--monitoringAddr=127.0.0.1:${o.ports.monitoringPort}`,
      '--domain=cluster.local',
      '--log_output_level=default:info',
    ],
    logPath: join(o.logDir, 'istiod.log'),
    env: {
      POD_NAME: 'istiod-harness',
      POD_NAMESPACE: 'istio-system',
      REVISION: 'default',
      CLUSTER_ID: 'Kubernetes',
      ENABLE_CA_SERVER: 'false',
      PILOT_CERT_PROVIDER: 'none',
      INJECT_ENABLED: 'false',
      INJECTION_WEBHOOK_CONFIG_NAME: '',
      VALIDATION_WEBHOOK_CONFIG_NAME: '',
      ENABLE_LEADER_ELECTION: 'false',
      PILOT_ENABLE_GATEWAY_API: 'false',
      PILOT_ENABLE_GATEWAY_API_STATUS: 'false',
      PILOT_ENABLE_GATEWAY_API_DEPLOYMENT_CONTROLLER: 'false',
      PILOT_ENABLE_METADATA_EXCHANGE: 'false',
      PILOT_ENABLE_ALPN_FILTER: 'false',
      PILOT_DEBOUNCE_AFTER: o.debounceAfter,
      PILOT_DEBOUNCE_MAX: '1s',
      // istiod sizes its memory limit from cgroups; an out-of-cluster process has none.
      GOMEMLIMIT: '1GiB',
    },
  });
  await waitUntilReady(proc, 'GET /ready = 200', () => probe(`http://127.0.0.1:${o.ports.httpPort}/ready`), ISTIOD_READY_TIMEOUT_MS);
  return proc;
}
