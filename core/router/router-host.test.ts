import { describe, expect, it } from 'vitest';
import { makeRouter } from './router-fixtures.ts';
import { routerHost } from './router-host.ts';

describe('routerHost', () => {
  it.each([
    [{}, undefined, 'sm-verify-page.sm-verify.svc.cluster.local'],
    [{ namespace: undefined }, undefined, 'sm-verify-page.default.svc.cluster.local'],
    [{}, 'page.example.com', 'page.example.com'],
  ])('metadata %j host %s → %s', (meta, host, expected) => {
    const router = makeRouter({ port: 80, subsets: [{ branch: 'main' }], ...(host ? { host } : {}) }, meta);
    expect(routerHost(router)).toBe(expected);
  });
});
