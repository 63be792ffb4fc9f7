import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticQuotaSource } from '../config/quota-source.ts';
import type { QuotaEntry } from '../../core/ratelimit/quota-table.ts';
import { FakeStore, startHarness, type Harness } from '../service/rls-harness.test-support.ts';
import { loadServices } from './load-protos.ts';

interface FieldProto {
  name: string;
  number: number;
  typeName: string;
}
interface MessageProto {
  name: string;
  field: FieldProto[];
  nestedType: MessageProto[];
  enumType: { name: string; value: { name: string; number: number }[] }[];
}

const { definitions } = loadServices();

/** The DescriptorProto of a (possibly nested) message, e.g. `…RateLimitResponse.DescriptorStatus`. */
function message(fullName: string): MessageProto {
  for (const [name, def] of Object.entries(definitions)) {
    if (!fullName.startsWith(`${name}.`) && fullName !== name) continue;
    let msg = (def as { type: MessageProto }).type;
    for (const part of fullName.slice(name.length + 1).split('.').filter(Boolean)) {
      const nested = msg.nestedType.find((n) => n.name === part);
      if (nested === undefined) throw new Error(`${fullName}: no nested ${part}`);
      msg = nested;
    }
    return msg;
  }
  throw new Error(`${fullName}: not loaded`);
}

const fields = (fullName: string) => Object.fromEntries(message(fullName).field.map((f) => [f.name, f.number]));

describe('field numbers are Envoy\'s', () => {
  it.each([
    ['envoy.service.ratelimit.v3.RateLimitRequest', { domain: 1, descriptors: 2, hits_addend: 3 }],
    ['envoy.extensions.common.ratelimit.v3.RateLimitDescriptor', { entries: 1, limit: 2, hits_addend: 3 }],
    ['envoy.extensions.common.ratelimit.v3.RateLimitDescriptor.Entry', { key: 1, value: 2 }],
    ['envoy.extensions.common.ratelimit.v3.RateLimitDescriptor.RateLimitOverride', { requests_per_unit: 1, unit: 2 }],
    ['envoy.service.ratelimit.v3.RateLimitResponse', { overall_code: 1, statuses: 2, response_headers_to_add: 3, request_headers_to_add: 4, raw_body: 5, dynamic_metadata: 6, quota: 7 }],
    ['envoy.service.ratelimit.v3.RateLimitResponse.DescriptorStatus', { code: 1, current_limit: 2, limit_remaining: 3, duration_until_reset: 4, quota: 5 }],
    ['envoy.service.ratelimit.v3.RateLimitResponse.RateLimit', { name: 3, requests_per_unit: 1, unit: 2 }],
    ['envoy.service.ratelimit.v3.RateLimitResponse.Quota', { requests: 1, valid_until: 2, id: 3 }],
    ['envoy.config.core.v3.HeaderValue', { key: 1, value: 2 }],
    ['grpc.health.v1.HealthCheckRequest', { service: 1 }],
    ['grpc.health.v1.HealthCheckResponse', { status: 1 }],
  ])('%s', (name, expected) => {
    expect(fields(name)).toEqual(expected);
  });

  it('descriptor hits_addend is a UInt64Value wrapper', () => {
    const f = message('envoy.extensions.common.ratelimit.v3.RateLimitDescriptor').field.find((x) => x.name === 'hits_addend');
    expect(f?.typeName).toBe('google.protobuf.UInt64Value');
  });

  it('enums', () => {
    const values = (msg: string, e: string) => Object.fromEntries(message(msg).enumType.find((x) => x.name === e)?.value.map((v) => [v.name, v.number]) ?? []);
    expect(values('envoy.service.ratelimit.v3.RateLimitResponse', 'Code')).toEqual({ UNKNOWN: 0, OK: 1, OVER_LIMIT: 2 });
    expect(values('envoy.service.ratelimit.v3.RateLimitResponse.RateLimit', 'Unit')).toEqual({ UNKNOWN: 0, SECOND: 1, MINUTE: 2, HOUR: 3, DAY: 4, MONTH: 5, YEAR: 6, WEEK: 7 });
    // The unit of a descriptor's limit override: WEEK was appended after MONTH and YEAR.
    const unit = (definitions['envoy.type.v3.RateLimitUnit'] as { type: { value: { name: string; number: number }[] } }).type;
    expect(Object.fromEntries(unit.value.map((v) => [v.name, v.number]))).toEqual({ UNKNOWN: 0, SECOND: 1, MINUTE: 2, HOUR: 3, DAY: 4, MONTH: 5, YEAR: 6, WEEK: 7 });
  });
});

// 30 s into an epoch-aligned minute.
const NOW = 1_700_000_040_000 + 30_000;
const QUOTA: QuotaEntry = { id: 'ns/q', domain: 'd', entries: [{ key: 'k', value: 'v' }], requestsPerUnit: 10, unit: 'MINUTE', shadow: false, algorithm: 'fixedWindow', failureMode: 'allow' };

describe('wire round trip through the real server', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(staticQuotaSource({ domains: { d: [QUOTA] } }), new FakeStore(), { now: () => NOW });
  });
  afterAll(() => h.close());

  it('decodes hand-encoded request bytes and answers with exactly the expected bytes', async () => {
    const request = Buffer.from(
      [
        '0a 01 64', // domain (1) = "d"
        '12 0c', // descriptors (2), 12 bytes
        '0a 06 0a 01 6b 12 01 76', //   entries (1) = {key (1) "k", value (2) "v"}
        '1a 02 08 02', //   hits_addend (3) = UInt64Value{value (1) = 2}
        '18 03', // hits_addend (3) = 3, overridden by the descriptor's
      ].join(' ').replace(/ /g, ''),
      'hex',
    );
    const response = await h.callRaw(request);
    const expected = [
      '08 01', // overall_code (1) = OK
      '12 14', // statuses (2), 20 bytes
      '08 01', //   code (1) = OK
      '12 0a 08 0a 10 02 1a 04 6e 73 2f 71', //   current_limit (2) = {requests_per_unit (1) 10, unit (2) MINUTE, name (3) "ns/q"}
      '18 08', //   limit_remaining (3) = 8
      '22 02 08 1e', //   duration_until_reset (4) = {seconds 30}; nanos 0 is proto3's default and not written
    ].join(' ').replace(/ /g, '');
    expect(response.toString('hex')).toBe(expected);
  });
});
