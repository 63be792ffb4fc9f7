import { describe, expect, it } from 'vitest';
import { subsetName } from './subset-name.ts';

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
