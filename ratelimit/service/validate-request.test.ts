import { describe, expect, it } from 'vitest';
import { MAX_DESCRIPTORS_PER_REQUEST, MAX_ENTRIES_PER_DESCRIPTOR, MAX_KEY_LENGTH, MAX_VALUE_LENGTH, validateRequest } from './validate-request.ts';

const entry = { key: 'k', value: 'v' };
const ok = { domain: 'd', descriptors: [{ entries: [entry] }] };

describe('validateRequest', () => {
  it('fills defaults: request hits_addend 0 → 1, no override, no descriptor addend', () => {
    expect(validateRequest({ ...ok, hits_addend: 0 })).toEqual({ domain: 'd', descriptors: [{ entries: [entry], limit: null, hits_addend: null }], hits_addend: 1 });
  });

  it('reads the descriptor addend from the UInt64Value wrapper or a bare number, and the override', () => {
    const req = validateRequest({ domain: 'd', hits_addend: 4, descriptors: [{ entries: [entry], hits_addend: { value: 0 } }, { entries: [entry], hits_addend: 7, limit: { requests_per_unit: 5, unit: 'HOUR' } }] });
    expect(req.hits_addend).toBe(4);
    expect(req.descriptors.map((d) => [d.hits_addend, d.limit])).toEqual([[0, null], [7, { requests_per_unit: 5, unit: 'HOUR' }]]);
  });

  it('accepts every unit of Envoy\'s RateLimitUnit in a limit override, WEEK, MONTH and YEAR included', () => {
    const units = ['SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'YEAR'];
    const req = validateRequest({ domain: 'd', descriptors: units.map((unit) => ({ entries: [entry], limit: { requests_per_unit: 3, unit } })) });
    expect(req.descriptors.map((d) => d.limit?.unit)).toEqual(units);
  });

  it.each([
    ['no domain', { descriptors: ok.descriptors }, 'domain: must be a non-empty string (got nothing)'],
    ['long domain', { ...ok, domain: 'x'.repeat(257) }, 'domain: must be at most 256 characters (got 257 characters)'],
    ['no descriptors', { domain: 'd', descriptors: [] }, 'descriptors: must be a non-empty list (got [])'],
    ['too many descriptors', { domain: 'd', descriptors: Array.from({ length: MAX_DESCRIPTORS_PER_REQUEST + 1 }, () => ({ entries: [entry] })) }, 'descriptors: must have at most 64 descriptors (got 65)'],
    ['no entries', { domain: 'd', descriptors: [{ entries: [] }] }, 'descriptors[0].entries: must be a non-empty list (got [])'],
    ['too many entries', { domain: 'd', descriptors: [{ entries: Array.from({ length: MAX_ENTRIES_PER_DESCRIPTOR + 1 }, () => entry) }] }, 'descriptors[0].entries: must have at most 32 entries (got 33)'],
    ['empty key', { domain: 'd', descriptors: [{ entries: [{ key: '', value: 'v' }] }] }, 'descriptors[0].entries[0].key: must be a non-empty string (got "")'],
    ['long key', { domain: 'd', descriptors: [{ entries: [{ key: 'k'.repeat(MAX_KEY_LENGTH + 1), value: 'v' }] }] }, 'descriptors[0].entries[0].key: must be at most 256 characters (got 257 characters)'],
    ['long value', { domain: 'd', descriptors: [{ entries: [entry, { key: 'k', value: 'v'.repeat(MAX_VALUE_LENGTH + 1) }] }] }, 'descriptors[0].entries[1].value: must be at most 4096 characters (got 4097 characters)'],
    ['unknown unit', { domain: 'd', descriptors: [{ entries: [entry], limit: { requests_per_unit: 1, unit: 'UNKNOWN' } }] }, 'descriptors[0].limit.unit: must be one of SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, YEAR (got "UNKNOWN")'],
    ['negative override', { domain: 'd', descriptors: [{ entries: [entry], limit: { requests_per_unit: -1, unit: 'SECOND' } }] }, 'descriptors[0].limit.requests_per_unit: must be an unsigned 32-bit integer (got -1)'],
    ['huge addend', { ...ok, hits_addend: 2_000_000_000 }, 'hits_addend: must be an integer from 0 to 1000000000 (got 2000000000)'],
    ['bad descriptor addend', { domain: 'd', descriptors: [{ entries: [entry], hits_addend: { value: 1.5 } }] }, 'descriptors[0].hits_addend: must be an integer from 0 to 1000000000 (got 1.5)'],
    ['not an object', 'nope', 'request: must be an object (got "nope")'],
  ])('%s', (_, raw, message) => {
    expect(() => validateRequest(raw)).toThrow(message);
    try {
      validateRequest(raw);
    } catch (err) {
      expect((err as Error).message).toBe(message);
    }
  });
});
