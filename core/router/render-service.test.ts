import { describe, expect, it } from 'vitest';
import type { RouterSpec } from '../../api/router.ts';
import { renderRouter } from './render-router.ts';
import { makeRouter } from './router-fixtures.ts';

describe('owned Service', () => {
  it.each<[RouterSpec['protocol'], number | undefined, object]>([
    [undefined, undefined, { name: 'http-9090', port: 9090, targetPort: 9090, protocol: 'TCP' }],
    ['http', 8080, { name: 'http-9090', port: 9090, targetPort: 8080, protocol: 'TCP' }],
    ['http2', undefined, { name: 'http2-9090', port: 9090, targetPort: 9090, protocol: 'TCP', appProtocol: 'http2' }],
    ['grpc', 50051, { name: 'grpc-9090', port: 9090, targetPort: 50051, protocol: 'TCP', appProtocol: 'grpc' }],
    ['tcp', undefined, { name: 'tcp-9090', port: 9090, targetPort: 9090, protocol: 'TCP' }],
  ])('protocol %s targetPort %s', (protocol, targetPort, port) => {
    const spec: RouterSpec = { port: 9090, ownService: true, subsets: [{ branch: 'main' }], ...(protocol ? { protocol } : {}), ...(targetPort ? { targetPort } : {}) };
    const service = renderRouter(makeRouter(spec)).service;
    expect(service?.spec.ports).toEqual([port]);
    expect(service?.spec.selector).toEqual({ app: 'sm-verify-page' });
  });

  it('selects spec.selector (every branch and version)', () => {
    const service = renderRouter(makeRouter({ port: 80, ownService: true, selector: { app: 'page', tier: 'web' }, subsets: [{ branch: 'main' }] })).service;
    expect(service?.spec.selector).toEqual({ app: 'page', tier: 'web' });
    expect(service).toMatchObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'sm-verify-page', namespace: 'sm-verify' } });
  });
});
