import { describe, expect, it } from 'vitest';
import type { RouterSpec } from '../../api/router.ts';
import { branchSubsets, defaultBranch } from './branch-subsets.ts';
import { RenderError } from './render-error.ts';
import { makeRouter, seedRouter } from './router-fixtures.ts';

function errorOf(spec: RouterSpec): RenderError {
  try {
    branchSubsets(makeRouter(spec));
  } catch (err) {
    if (err instanceof RenderError) return err;
    throw err;
  }
  throw new Error('expected a RenderError');
}

describe('branchSubsets', () => {
  it('renders one subset per branch×version in declared order, and one per unversioned branch', () => {
    const out = branchSubsets(seedRouter());
    expect(out.flatMap((b) => b.subsets.map((s) => s.name))).toEqual(['master-v1-0-1', 'master-v1-0-2', 'box-0999']);
    expect(out[1]?.subsets[0]?.labels).toEqual({ app: 'sm-verify-page', branch: 'box-0999' });
    expect(out[0]?.destinations).toEqual([
      { subset: 'master-v1-0-1', weight: 90 },
      { subset: 'master-v1-0-2', weight: 10 },
    ]);
  });

  it.each([
    ['single version', { v1: 100 }, [{ subset: 'main-v1' }]],
    ['zero weight kept', { v1: 100, v2: 0 }, [{ subset: 'main-v1', weight: 100 }, { subset: 'main-v2', weight: 0 }]],
    ['empty versions = whole branch', {}, [{ subset: 'main' }]],
  ])('destinations: %s', (_name, versions, expected) => {
    const [main] = branchSubsets(makeRouter({ port: 80, subsets: [{ branch: 'main', versions }] }));
    expect(main?.destinations).toEqual(expected);
  });

  it('uses spec.labelKeys and spec.selector', () => {
    const router = makeRouter({ port: 80, labelKeys: { branch: 'lane', version: 'rev' }, selector: { tier: 'web', app: 'page' }, subsets: [{ branch: 'main', versions: { r1: 100 } }] });
    expect(branchSubsets(router)[0]?.subsets[0]?.labels).toEqual({ app: 'page', lane: 'main', rev: 'r1', tier: 'web' });
  });

  it.each<[string, RouterSpec, string, string]>([
    ['two versions of a branch', { port: 80, subsets: [{ branch: 'main', versions: { 'v1.0': 50, v1_0: 50 } }] }, 'spec.subsets[0].versions.v1_0', 'main-v1-0'],
    ['a version and a branch', { port: 80, subsets: [{ branch: 'main', versions: { v1: 100 } }, { branch: 'main-v1' }] }, 'spec.subsets[1].branch', 'main-v1'],
  ])('rejects colliding subset names: %s', (_name, spec, field, subset) => {
    const err = errorOf(spec);
    expect(err.field).toBe(field);
    expect(err.message).toContain(`subset name ${subset} is already the subset of`);
    expect(err.message).toContain(field);
  });

  it('rejects a selector that sets the branch label key', () => {
    const err = errorOf({ port: 80, selector: { branch: 'x' }, subsets: [{ branch: 'main' }] });
    expect(err.message).toBe('spec.selector.branch: must not set the branch or version label key (each subset sets it) (got "x")');
  });

  it('rejects equal branch and version label keys', () => {
    expect(errorOf({ port: 80, labelKeys: { branch: 'k', version: 'k' }, subsets: [{ branch: 'main' }] }).field).toBe('spec.labelKeys.version');
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
