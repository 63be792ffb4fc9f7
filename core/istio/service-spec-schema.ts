/**
 * The part of the Kubernetes core/v1 ServiceSpec that Switchyard renders (router/render-service.ts),
 * written in the same structural-schema dialect as Istio's CRDs so one validator checks every kind.
 * Services are rendered by us, never patched by users: a field not listed here is a rendering bug,
 * reported as unknown. Rules follow k8s.io/api core/v1 and the API server's Service validation.
 */

/** The largest TCP/UDP/SCTP port number; 0 is not a valid Service port. */
const MAX_PORT = 65535;
/** A port name is a DNS label (RFC 1123), at most this long. */
const MAX_PORT_NAME = 63;

export const SERVICE_SPEC_SCHEMA = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] },
    selector: { type: 'object', additionalProperties: { type: 'string' } },
    ports: {
      type: 'array',
      items: {
        type: 'object',
        required: ['port'],
        properties: {
          name: { type: 'string', maxLength: MAX_PORT_NAME },
          protocol: { type: 'string', enum: ['TCP', 'UDP', 'SCTP'] },
          appProtocol: { type: 'string' },
          port: { type: 'integer', format: 'int32', minimum: 1, maximum: MAX_PORT },
          // A port number on the pod, or the name of a container port.
          targetPort: { 'x-kubernetes-int-or-string': true },
        },
      },
    },
  },
} as const;
