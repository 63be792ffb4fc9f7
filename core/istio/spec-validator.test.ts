import { describe, expect, it } from 'vitest';
import { compileSpecValidator } from './spec-validator.ts';
import { validateIstioObject } from './validate.ts';

const meta = { name: 'checkout', namespace: 'shop' };

describe('compileSpecValidator reads a structural schema as the API server does', () => {
  const validate = compileSpecValidator({
    type: 'object',
    properties: {
      closed: { type: 'object', properties: { a: { type: 'string' } } },
      empty: { type: 'object' },
      free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      port: { 'x-kubernetes-int-or-string': true },
      count: { type: 'integer', format: 'int32' },
      ratio: { type: 'number', format: 'double' },
      body: { type: 'string', format: 'byte' },
      name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self != "never"', message: 'CEL is data here' }] },
    },
  });
  /** Keywords of the errors for `spec`, as `<instancePath> <keyword>`. */
  const errors = (spec: object): string[] => (validate({ spec }) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`));

  it.each([
    ['declared fields', { closed: { a: 'x' } }, []],
    ['an unknown field where properties are declared', { closed: { b: 1 } }, ['/spec/closed additionalProperties']],
    ['an unknown field at the top of spec', { other: 1 }, ['/spec additionalProperties']],
    ['any field in an object with no properties (the server prunes it)', { empty: { x: 1 } }, ['/spec/empty additionalProperties']],
    ['anything under x-kubernetes-preserve-unknown-fields', { free: { x: { y: [1] } } }, []],
    ['any key of a declared map', { labels: { 'app.kubernetes.io/name': 'a' } }, []],
    ['a map value of the wrong type', { labels: { a: 1 } }, ['/spec/labels/a type']],
    ['an int-or-string given an integer', { port: 8080 }, []],
    ['an int-or-string given a name', { port: 'http' }, []],
    ['an int-or-string given a fraction', { port: 1.5 }, ['/spec/port x-kubernetes-int-or-string']],
    ['an int32 out of range', { count: 2 ** 31 }, ['/spec/count format']],
    ['a double', { ratio: 0.25 }, []],
    ['base64 bytes', { body: 'aGk=' }, []],
    ['bytes that are not base64', { body: 'hi!' }, ['/spec/body format']],
    ['a value only a CEL rule refuses (CEL is not evaluated)', { name: 'never' }, []],
  ])('%s', (_name, spec, expected) => {
    expect(errors(spec)).toEqual(expected);
  });

  it('checks nothing outside spec', () => {
    expect(validate({ apiVersion: 'x', kind: 1, metadata: { anything: true } })).toBe(true);
  });
});

describe('validateIstioObject, on rules the Istio CRDs and the Service schema add', () => {
  it.each([
    [
      'two of a match type',
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta, spec: { hosts: ['checkout'], http: [{ match: [{ uri: { exact: '/a', prefix: '/b' } }], route: [{ destination: { host: 'checkout' } }] }] } },
      [{ path: 'spec.http[0].match[0].uri', message: 'must set at most one of exact, prefix, regex, got exact and prefix' }],
    ],
    [
      'two load balancers',
      { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta, spec: { host: 'checkout', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN', consistentHash: { useSourceIp: true } } } } },
      [{ path: 'spec.trafficPolicy.loadBalancer', message: 'must set at most one of simple, consistentHash, got simple and consistentHash' }],
    ],
    [
      'a Service with a bad port, protocol, target port and selector',
      { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { selector: { app: 1 }, ports: [{ port: 0, protocol: 'HTTP', targetPort: 1.5 }] } },
      [
        { path: 'spec.selector.app', message: 'must be string, got 1' },
        { path: 'spec.ports[0].protocol', message: 'must be one of "TCP", "UDP", "SCTP", got "HTTP"' },
        { path: 'spec.ports[0].port', message: 'must be >= 1, got 0' },
        { path: 'spec.ports[0].targetPort', message: 'must be an integer or a string, got 1.5' },
      ],
    ],
    [
      'a Service field Switchyard does not render',
      { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { clusterIP: 'None', ports: [{ port: 80, targetPort: 'http', appProtocol: 'grpc' }] } },
      [{ path: 'spec.clusterIP', message: 'unknown field (the API server would prune it)' }],
    ],
  ])('%s', (_name, obj, expected) => {
    expect(validateIstioObject(obj)).toEqual(expected);
  });
});
