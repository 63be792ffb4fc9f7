import type { RlsCode, RlsDescriptorStatus, RlsHeader, RlsResponse } from '../service/rls-types.ts';

/**
 * Direct protobuf codec for the two RLS messages on the hot path, used as the gRPC service
 * definition's own (de)serializers instead of protobufjs's reflection (fromObject → encode,
 * decode → toObject), which builds a message object and a plain copy per call.
 *
 * `decodeRateLimitRequest` returns exactly the shape proto-loader gives with PROTO_LOADER_OPTIONS
 * (snake_case, defaults filled, enums by name, absent messages null), so validation sees the same
 * input either way; it throws an Error on bytes that are not a protobuf message. Unknown fields are
 * skipped, as protobuf requires. Field numbers are Envoy's (rls.proto, ratelimit.proto; the proto
 * files beside this one and rls-wire.test.ts hold them).
 */

/** envoy.type.v3.RateLimitUnit and RateLimitResponse.RateLimit.Unit share names and numbers. */
const UNIT_NAMES = ['UNKNOWN', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'MONTH', 'YEAR', 'WEEK'] as const;
const UNIT_NUMBERS: Readonly<Record<string, number>> = Object.fromEntries(UNIT_NAMES.map((name, i) => [name, i]));
const CODE_NUMBERS: Readonly<Record<RlsCode, number>> = { OK: 1, OVER_LIMIT: 2 };

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

export interface DecodedEntry {
  key: string;
  value: string;
}
export interface DecodedDescriptor {
  entries: DecodedEntry[];
  limit: { requests_per_unit: number; unit: string | number } | null;
  hits_addend: { value: number } | null;
}
export interface DecodedRequest {
  domain: string;
  descriptors: DecodedDescriptor[];
  hits_addend: number;
}

/** A cursor over one message's bytes. */
class Reader {
  pos: number;
  readonly buf: Buffer;
  readonly end: number;

  constructor(buf: Buffer, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** A varint as a Number (exact to 2^53; larger values lose precision, and validation refuses them anyway). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error(`truncated varint at byte ${this.pos}`);
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    throw new Error(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** The bounds of a length-delimited field's payload; the cursor moves past it. */
  delimited(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw new Error(`length ${length} at byte ${start} runs past the end of its message (byte ${this.end})`);
    this.pos = start + length;
    return [start, start + length];
  }

  string(): string {
    const [start, end] = this.delimited();
    return this.buf.toString('utf8', start, end);
  }

  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_BYTES) this.delimited();
    else if (wireType === WIRE_FIXED64 || wireType === WIRE_FIXED32) {
      const size = wireType === WIRE_FIXED64 ? 8 : 4;
      if (this.pos + size > this.end) throw new Error(`truncated fixed-size field at byte ${this.pos}`);
      this.pos += size;
    } else throw new Error(`unsupported wire type ${wireType} before byte ${this.pos}`);
  }

  sub(): Reader {
    const [start, end] = this.delimited();
    return new Reader(this.buf, start, end);
  }
}

/** Decodes `envoy.service.ratelimit.v3.RateLimitRequest`. Throws an Error on malformed bytes. */
export function decodeRateLimitRequest(buf: Buffer): DecodedRequest {
  const r = new Reader(buf, 0, buf.length);
  const out: DecodedRequest = { domain: '', descriptors: [], hits_addend: 0 };
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === WIRE_BYTES) out.domain = r.string();
    else if (field === 2 && wire === WIRE_BYTES) out.descriptors.push(decodeDescriptor(r.sub()));
    else if (field === 3 && wire === WIRE_VARINT) out.hits_addend = r.varint() % 2 ** 32;
    else r.skip(wire);
  }
  return out;
}

function decodeDescriptor(r: Reader): DecodedDescriptor {
  const out: DecodedDescriptor = { entries: [], limit: null, hits_addend: null };
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (field === 1 && wire === WIRE_BYTES) out.entries.push(decodeEntry(r.sub()));
    else if (field === 2 && wire === WIRE_BYTES) out.limit = decodeOverride(r.sub(), out.limit);
    else if (field === 3 && wire === WIRE_BYTES) out.hits_addend = decodeUInt64Value(r.sub(), out.hits_addend);
    else r.skip(wire);
  }
  return out;
}

function decodeEntry(r: Reader): DecodedEntry {
  const out: DecodedEntry = { key: '', value: '' };
  while (r.pos < r.end) {
    const tag = r.varint();
    const wire = tag & 7;
    if (tag === 0x0a) out.key = r.string();
    else if (tag === 0x12) out.value = r.string();
    else r.skip(wire);
  }
  return out;
}

/** A message field seen twice merges into the first (protobuf's rule). */
function decodeOverride(r: Reader, into: DecodedDescriptor['limit']): NonNullable<DecodedDescriptor['limit']> {
  const out = into ?? { requests_per_unit: 0, unit: 'UNKNOWN' };
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === 0x08) out.requests_per_unit = r.varint() % 2 ** 32;
    else if (tag === 0x10) {
      const n = r.varint();
      // An enum number this proto does not know stays a number, as protobufjs leaves it; validation refuses it.
      out.unit = UNIT_NAMES[n] ?? n;
    } else r.skip(tag & 7);
  }
  return out;
}

function decodeUInt64Value(r: Reader, into: DecodedDescriptor['hits_addend']): { value: number } {
  const out = into ?? { value: 0 };
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === 0x08) out.value = r.varint();
    else r.skip(tag & 7);
  }
  return out;
}

/** Encodes `envoy.service.ratelimit.v3.RateLimitResponse`; proto3 defaults (0, '', absent) are not written. */
export function encodeRateLimitResponse(res: RlsResponse): Buffer {
  const w = new Writer(responseSize(res));
  w.tag(1, WIRE_VARINT).varint(CODE_NUMBERS[res.overall_code]);
  for (const s of res.statuses) {
    w.tag(2, WIRE_BYTES).varint(statusSize(s));
    writeStatus(w, s);
  }
  for (const h of res.response_headers_to_add) writeHeader(w, 3, h);
  for (const h of res.request_headers_to_add) writeHeader(w, 4, h);
  return w.buf;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Size of a length-delimited field with a one-byte tag. */
const delimitedSize = (length: number) => 1 + varintSize(length) + length;
const stringFieldSize = (s: string) => (s.length === 0 ? 0 : delimitedSize(Buffer.byteLength(s)));
const varintFieldSize = (n: number) => (n === 0 ? 0 : 1 + varintSize(n));

function limitSize(l: NonNullable<RlsDescriptorStatus['current_limit']>): number {
  return varintFieldSize(l.requests_per_unit >>> 0) + varintFieldSize(UNIT_NUMBERS[l.unit] ?? 0) + stringFieldSize(l.name);
}

function durationSize(d: NonNullable<RlsDescriptorStatus['duration_until_reset']>): number {
  return varintFieldSize(d.seconds) + varintFieldSize(d.nanos);
}

function statusSize(s: RlsDescriptorStatus): number {
  // uint32 fields wrap as protobufjs writes them (value >>> 0).
  let size = varintFieldSize(CODE_NUMBERS[s.code]) + varintFieldSize(s.limit_remaining >>> 0);
  if (s.current_limit !== null) size += delimitedSize(limitSize(s.current_limit));
  if (s.duration_until_reset !== null) size += delimitedSize(durationSize(s.duration_until_reset));
  return size;
}

const headerSize = (h: RlsHeader) => stringFieldSize(h.key) + stringFieldSize(h.value);

function responseSize(res: RlsResponse): number {
  let size = varintFieldSize(CODE_NUMBERS[res.overall_code]);
  for (const s of res.statuses) size += delimitedSize(statusSize(s));
  for (const h of res.response_headers_to_add) size += delimitedSize(headerSize(h));
  for (const h of res.request_headers_to_add) size += delimitedSize(headerSize(h));
  return size;
}

function writeStatus(w: Writer, s: RlsDescriptorStatus): void {
  w.varintField(1, CODE_NUMBERS[s.code]);
  if (s.current_limit !== null) {
    const l = s.current_limit;
    w.tag(2, WIRE_BYTES).varint(limitSize(l));
    w.varintField(1, l.requests_per_unit >>> 0);
    w.varintField(2, UNIT_NUMBERS[l.unit] ?? 0);
    w.stringField(3, l.name);
  }
  w.varintField(3, s.limit_remaining >>> 0);
  if (s.duration_until_reset !== null) {
    const d = s.duration_until_reset;
    w.tag(4, WIRE_BYTES).varint(durationSize(d));
    w.varintField(1, d.seconds);
    w.varintField(2, d.nanos);
  }
}

function writeHeader(w: Writer, field: number, h: RlsHeader): void {
  w.tag(field, WIRE_BYTES).varint(headerSize(h));
  w.stringField(1, h.key);
  w.stringField(2, h.value);
}

/** Writes into a buffer of the exact size computed beforehand. */
class Writer {
  readonly buf: Buffer;
  #pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  /** Non-negative integers only: every varint of these messages is an unsigned count or an enum. */
  varint(n: number): this {
    while (n >= 128) {
      this.buf[this.#pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.#pos++] = n;
    return this;
  }

  varintField(field: number, n: number): void {
    if (n !== 0) this.tag(field, WIRE_VARINT).varint(n);
  }

  stringField(field: number, s: string): void {
    if (s.length === 0) return;
    this.tag(field, WIRE_BYTES).varint(Buffer.byteLength(s));
    this.#pos += this.buf.write(s, this.#pos, 'utf8');
  }
}
