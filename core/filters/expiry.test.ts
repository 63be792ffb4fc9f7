import { describe, expect, it } from 'vitest';
import { EXPIRY_MARGIN_MS, expiryRequeueMs, isExpired, msUntilNextExpiry } from './expiry.ts';
import { filter, NOW } from './layer-fixtures.ts';

const timeout = [{ timeout: '1s' }];
const expiring = (name: string, expiresAt?: string): ReturnType<typeof filter> => filter(name, timeout, expiresAt === undefined ? {} : { expiresAt });

describe('filter expiry', () => {
  it.each([
    ['no expiresAt', undefined, false, undefined],
    ['unparsable expiresAt', 'soon', false, undefined],
    ['in the past', '2030-01-01T11:59:59Z', true, undefined],
    ['exactly now', '2030-01-01T12:00:00Z', true, undefined],
    ['in 2 s', '2030-01-01T12:00:02Z', false, 2_000],
  ])('%s: expired %s, next expiry in %s ms', (_, expiresAt, expired, ms) => {
    const f = expiring('f', expiresAt);
    expect(isExpired(f, NOW)).toBe(expired);
    expect(msUntilNextExpiry([f], NOW)).toBe(ms);
    expect(expiryRequeueMs([f], NOW)).toBe(ms === undefined ? undefined : ms + EXPIRY_MARGIN_MS);
  });

  it('takes the earliest expiry still pending', () => {
    const filters = [expiring('a', '2030-01-01T12:01:00Z'), expiring('b', '2030-01-01T11:00:00Z'), expiring('c', '2030-01-01T12:00:05Z'), expiring('d')];
    expect(msUntilNextExpiry(filters, NOW)).toBe(5_000);
    expect(expiryRequeueMs(filters, NOW)).toBe(5_000 + EXPIRY_MARGIN_MS);
  });
});
