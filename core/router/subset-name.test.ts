import { describe, expect, it } from 'vitest';
import { makeRouter, seedRouter } from './router-fixtures.ts';
import { RenderError } from './render-error.ts';
import { defaultBranch, routerHost, subsetName } from './subset-name.ts';

describe('subsetName', () => {
  it.each([
    ['master', 'v1.0.1', 'master-v1-0-1'],
    ['box-0999', undefined, 'box-0999'],
    ['master', 'V1_0', 'master-v1-0'],
    ['master', 'v1..0', 'master-v1-0'],
    ['master', 'rc.1-', 'master-rc-1'],
    ['main', '2024.01.31', 'main-2024-01-31'],
    ['Feature_X', undefined, 'feature-x'],
  ])('(%s, %s) → %s', (branch, version, expected) => {
    expect(subsetName(branch, version)).toBe(expected);
  });

  it('always yields a lowercase dash-separated name', () => {
    for (const version of ['v1.0.1', 'A.b_C', 'x--y', '1.2.3-rc.4']) {
      expect(subsetName('box-1', version)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });
});

describe('defaultBranch', () => {
  it('is the first branch when none is marked', () => {
    expect(defaultBranch(seedRouter().spec).branch).toBe('master');
  });
  it('is the marked branch wherever it is listed', () => {
    expect(defaultBranch({ subsets: [{ branch: 'box-1' }, { branch: 'main', default: true }] }).branch).toBe('main');
  });
  it('throws a RenderError for an empty branch list', () => {
    expect(() => defaultBranch({ subsets: [] })).toThrow(RenderError);
  });
});

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
