import { describe, expect, it } from 'vitest';
import type { RlsResponse } from '../service/rls-types.ts';
import { loadServices } from './load-protos.ts';
import { decodeRateLimitRequest, encodeRateLimitResponse } from './rls-codec.ts';

/** protobufjs through proto-loader: the reference codec ours must agree with byte for byte in meaning. */
const method = loadServices().rateLimitService.service.ShouldRateLimit;
if (method === undefined) throw new Error('ShouldRateLimit: not in the loaded service');
const encodeRequest = (req: unknown) => method.requestSerialize(req);
const decodeResponse = (bytes: Buffer) => method.responseDeserialize(bytes);
const protobufjsDecodeRequest = (bytes: Buffer) => method.requestDeserialize(bytes);

describe('decodeRateLimitRequest', () => {
  it.each([
    ['one entry', { domain: 'edge', descriptors: [{ entries: [{ key: 'path', value: '/a' }] }] }],
    ['defaults only', { domain: '', descriptors: [] }],
    ['hits addend, override, descriptor addend', {
      domain: 'd',
      hits_addend: 7,
      descriptors: [
        { entries: [{ key: 'k', value: 'v' }, { key: 'k2', value: 'v2' }], limit: { requests_per_unit: 4_000_000_000, unit: 'WEEK' }, hits_addend: { value: 2 ** 40 } },
        { entries: [{ key: 'x', value: '' }], limit: { requests_per_unit: 0, unit: 'UNKNOWN' }, hits_addend: { value: 0 } },
      ],
    }],
    ['non-ASCII and long values', { domain: 'dömäin', descriptors: [{ entries: [{ key: 'ключ', value: 'é'.repeat(3000) + '😀' }] }] }],
  ])('%s: same object as protobufjs', (_name, req) => {
    const bytes = encodeRequest(req);
    expect(decodeRateLimitRequest(bytes)).toEqual(protobufjsDecodeRequest(bytes));
  });

  it('skips unknown fields of every wire type', () => {
    const known = encodeRequest({ domain: 'd', descriptors: [{ entries: [{ key: 'k', value: 'v' }] }] });
    // field 9 varint 300; field 10 fixed64; field 11 bytes "ab"; field 12 fixed32
    const unknown = Buffer.from([0x48, 0xac, 0x02, 0x51, 1, 2, 3, 4, 5, 6, 7, 8, 0x5a, 2, 0x61, 0x62, 0x65, 1, 2, 3, 4]);
    expect(decodeRateLimitRequest(Buffer.concat([unknown, known]))).toEqual(decodeRateLimitRequest(known));
  });

  it('keeps an enum number it does not know, as protobufjs does', () => {
    // descriptors[0].limit.unit = 42
    const bytes = Buffer.from([0x12, 0x04, 0x12, 0x02, 0x10, 42]);
    expect(decodeRateLimitRequest(bytes).descriptors[0]?.limit).toEqual({ requests_per_unit: 0, unit: 42 });
  });

  it.each([
    ['truncated varint', [0x18, 0x80]],
    ['length past the end', [0x0a, 0x05, 0x61]],
    ['nested length past its parent', [0x12, 0x02, 0x0a, 0x09]],
    ['group wire type', [0x0b]],
    ['over-long varint', [0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
  ])('throws on malformed bytes: %s', (_name, bytes) => {
    expect(() => decodeRateLimitRequest(Buffer.from(bytes))).toThrow(Error);
  });
});

describe('encodeRateLimitResponse', () => {
  const responses: [string, RlsResponse][] = [
    ['OK, one counted status', {
      overall_code: 'OK',
      statuses: [{ code: 'OK', current_limit: { name: 'ns/rl/0', requests_per_unit: 100, unit: 'MINUTE' }, limit_remaining: 99, duration_until_reset: { seconds: 59, nanos: 250_000_000 } }],
      response_headers_to_add: [],
      request_headers_to_add: [],
    }],
    ['OVER_LIMIT, mixed statuses and headers', {
      overall_code: 'OVER_LIMIT',
      statuses: [
        { code: 'OK', current_limit: null, limit_remaining: 4_294_967_295, duration_until_reset: null },
        { code: 'OK', current_limit: null, limit_remaining: 0, duration_until_reset: null },
        { code: 'OVER_LIMIT', current_limit: { name: 'é', requests_per_unit: 1, unit: 'YEAR' }, limit_remaining: 0, duration_until_reset: { seconds: 0, nanos: 0 } },
      ],
      response_headers_to_add: [{ key: 'x-ratelimit-limit', value: '1, 1;w=31536000' }, { key: 'x-ratelimit-remaining', value: '0' }],
      request_headers_to_add: [{ key: 'k', value: '' }],
    }],
  ];

  it.each(responses)('%s: protobufjs reads back what protobufjs itself would write', (_name, res) => {
    expect(decodeResponse(encodeRateLimitResponse(res))).toEqual(decodeResponse(method.responseSerialize(res)));
  });
});
