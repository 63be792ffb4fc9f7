import { mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpMethod } from '@kubernetes/client-node';
import { ISTIO_NETWORKING } from '../core/istio/types.ts';
import { applyObjects } from '../kube/apply-as-user.ts';
import { registerKinds, resourcePath } from '../kube/kinds.ts';
import { ApiError, CONTENT_TYPE, KubeClient, loadKubeConfig } from '../kube/kube-client.ts';
import type { ControlPlane } from './control-plane.ts';
import { HARNESS_FIELD_MANAGER } from './crd-install.ts';
import { ensureIstiodBinary } from './harness-artifacts.ts';
import { writeServingCert } from './harness-pki.ts';
import { startIstiod } from './istiod.ts';
import { freeLoopbackPort } from './readiness.ts';

/** The webhook's name, as the API server quotes it in a denial (`admission webhook "…" denied the request`). */
export const ISTIO_VALIDATION_WEBHOOK = 'validation.istio.io';

const WEBHOOK_CONFIG = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration' } as const;
const CONFIG_NAME = 'switchyard-harness-istio-validator';
/** The API server picks a new webhook configuration up within a second or so; istiod may still be warming. */
const ENFORCED_TIMEOUT_MS = 60_000;
const POLL_MS = 200;
/** Istio's own chart gives its validator 10 s. */
const WEBHOOK_TIMEOUT_SECONDS = 10;

registerKinds([{ kind: WEBHOOK_CONFIG, info: { plural: 'validatingwebhookconfigurations', managedOnly: false, specCompare: 'exact', clusterScoped: true } }]);

export interface IstioValidation {
  /** istiod's HTTPS port on 127.0.0.1. */
  port: number;
  /** Path of istiod's log. */
  logPath: string;
  /** Unregisters the webhook, then stops istiod. */
  stop(): Promise<void>;
}

/**
 * Istio's validating admission webhook on the harness API server, as a real cluster has it:
 * istiod (built from Go modules, `ensureIstiodBinary`) serves `/validate` over HTTPS with a serving
 * certificate signed by the harness CA, and a ValidatingWebhookConfiguration sends every create and
 * update of a networking.istio.io object to it — dry runs included (`sideEffects: None`) — failing
 * closed (`failurePolicy: Fail`, as Istio's chart sets once istiod is up). Resolves once the API
 * server refuses an object only istiod refuses (a VirtualService without routes).
 */
export async function startIstioValidation(cp: ControlPlane): Promise<IstioValidation> {
  const binary = await ensureIstiodBinary();
  const dir = join(cp.dataDir, 'istio-validation');
  await mkdir(dir, { recursive: true });
  const cert = await writeServingCert(cp.pki, dir, 'istiod-webhook');
  const [grpcPort, httpPort, monitoringPort, port] = await Promise.all([0, 1, 2, 3].map(() => freeLoopbackPort()));
  if (!grpcPort || !httpPort || !monitoringPort || !port) throw new Error('could not find free loopback ports for istiod');
  const istiod = await startIstiod({
    binary,
    kubeconfig: cp.kubeconfigPath,
    logDir: dir,
    accessLogPath: join(dir, 'access.log'),
    ports: { grpcPort, httpPort, monitoringPort },
    debounceAfter: '100ms',
    webhook: { port, certFile: cert.cert, keyFile: cert.key, caFile: cp.pki.caCert },
  });
  const admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
  try {
    await applyObjects(admin, [webhookConfiguration(port, readFileSync(cp.pki.caCert))], HARNESS_FIELD_MANAGER);
    await waitUntilEnforced(admin);
  } catch (err) {
    await istiod.stop();
    throw err;
  }
  return {
    port,
    logPath: istiod.logPath,
    async stop() {
      await admin.find(resourcePath(WEBHOOK_CONFIG, undefined, CONFIG_NAME)).then((found) => found && admin.request(HttpMethod.DELETE, resourcePath(WEBHOOK_CONFIG, undefined, CONFIG_NAME)));
      await istiod.stop();
    },
  };
}

function webhookConfiguration(port: number, ca: Buffer): { apiVersion: string; kind: string; metadata: { name: string }; webhooks: unknown[] } {
  return {
    ...WEBHOOK_CONFIG,
    metadata: { name: CONFIG_NAME },
    webhooks: [
      {
        name: ISTIO_VALIDATION_WEBHOOK,
        clientConfig: { url: `https://127.0.0.1:${port}/validate`, caBundle: ca.toString('base64') },
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['networking.istio.io'], apiVersions: ['*'], resources: ['*'] }],
        failurePolicy: 'Fail',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        timeoutSeconds: WEBHOOK_TIMEOUT_SECONDS,
      },
    ],
  };
}

/** Dry-runs a VirtualService without routes (the CRD accepts it, istiod does not) until istiod's denial comes back. */
async function waitUntilEnforced(admin: KubeClient): Promise<void> {
  const probe = { apiVersion: ISTIO_NETWORKING, kind: 'VirtualService', metadata: { name: 'webhook-probe', namespace: 'istio-system' }, spec: { hosts: ['probe.invalid'] } };
  const path = `/apis/${ISTIO_NETWORKING}/namespaces/istio-system/virtualservices`;
  const deadline = Date.now() + ENFORCED_TIMEOUT_MS;
  let last = 'accepted';
  while (Date.now() < deadline) {
    try {
      await admin.request(HttpMethod.POST, path, { query: { dryRun: 'All' }, body: probe, contentType: CONTENT_TYPE.json });
      last = 'accepted';
    } catch (err) {
      if (err instanceof ApiError && err.serverMessage.includes(`admission webhook "${ISTIO_VALIDATION_WEBHOOK}" denied the request`)) return;
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(POLL_MS);
  }
  throw new Error(`istiod's validating webhook is not enforced after ${ENFORCED_TIMEOUT_MS} ms (last answer to a VirtualService without routes: ${last})`);
}
