import type { Router } from '../../api/router.ts';
import { generatedMetadata } from '../istio/ownership.ts';
import type { Service } from '../istio/types.ts';
import { baseSelector } from './branch-subsets.ts';
import { routerNamespace } from './router-host.ts';

/** Protocols for which Istio needs `appProtocol` (the port-name prefix alone is ambiguous to other tools). */
const APP_PROTOCOLS: Record<string, string> = { http2: 'http2', grpc: 'grpc' };

/**
 * The Kubernetes Service a Router owns when `spec.ownService` is true: selects `spec.selector`
 * (default `{app: <name>}`) — every branch and version — with one port named `<protocol>-<port>`
 * so Istio's protocol sniffing is never needed; `targetPort` defaults to `port`.
 */
export function renderService(router: Router): Service {
  const { spec, metadata } = router;
  const protocol = spec.protocol ?? 'http';
  const appProtocol = APP_PROTOCOLS[protocol];
  const port = { name: `${protocol}-${spec.port}`, port: spec.port, targetPort: spec.targetPort ?? spec.port, protocol: 'TCP' as const };
  const namespace = routerNamespace(router);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: generatedMetadata({ kind: 'Router', name: metadata.name, namespace, uid: metadata.uid }),
    spec: { selector: baseSelector(router), ports: [appProtocol ? { ...port, appProtocol } : port] },
  };
}
