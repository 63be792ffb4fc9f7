import { LIMIT_UNITS, type LimitUnit } from '../../core/limits/units.ts';
import type { RlsDescriptor, RlsEntry, RlsRequest } from './rls-types.ts';
import { InvalidRequestError } from './service-errors.ts';

/** Envoy sends one descriptor per matching rate-limit action list; real routes have a handful. */
export const MAX_DESCRIPTORS_PER_REQUEST = 64;
/** Each action adds one entry; 32 is far above any sane action list and caps key-building work. */
export const MAX_ENTRIES_PER_DESCRIPTOR = 32;
/** Descriptor keys are action names (`generic_key`, `header_match`, …), never long. */
export const MAX_KEY_LENGTH = 256;
/** Values may carry a header or a path; 4 KiB bounds the counter key and metric work per entry. */
export const MAX_VALUE_LENGTH = 4096;
/** Domains are short identifiers chosen by the operator. */
export const MAX_DOMAIN_LENGTH = 256;
/** The same ceiling Envoy places on a configured hits addend. */
export const MAX_HITS_ADDEND = 1_000_000_000;
/** requests_per_unit is a uint32 on the wire. */
const MAX_UINT32 = 4_294_967_295;

/**
 * Validates an RLS request (as decoded by proto-loader, or the same shape as JSON from the debug
 * API) and returns it with defaults filled in. Throws InvalidRequestError naming the field, the
 * rule and the value. Request `hits_addend` 0 means 1 (proto3 cannot tell unset from 0, and Envoy
 * leaves it unset); a descriptor's `hits_addend` is a wrapper, so there 0 means "check only".
 */
export function validateRequest(raw: unknown): RlsRequest {
  const req = asObject(raw, 'request');
  const domain = req.domain;
  if (typeof domain !== 'string' || domain.length === 0) throw new InvalidRequestError('domain', 'must be a non-empty string', show(domain));
  if (domain.length > MAX_DOMAIN_LENGTH) throw new InvalidRequestError('domain', `must be at most ${MAX_DOMAIN_LENGTH} characters`, `${domain.length} characters`);
  const list = req.descriptors;
  if (!Array.isArray(list) || list.length === 0) throw new InvalidRequestError('descriptors', 'must be a non-empty list', show(list));
  if (list.length > MAX_DESCRIPTORS_PER_REQUEST) {
    throw new InvalidRequestError('descriptors', `must have at most ${MAX_DESCRIPTORS_PER_REQUEST} descriptors`, `${list.length}`);
  }
  const descriptors: RlsDescriptor[] = new Array<RlsDescriptor>(list.length);
  for (let i = 0; i < list.length; i++) descriptors[i] = validateDescriptor(list[i], `descriptors[${i}]`);
  const addend = req.hits_addend ?? 0;
  checkAddend(addend, 'hits_addend');
  return { domain, descriptors, hits_addend: addend === 0 ? 1 : (addend as number) };
}

function validateDescriptor(raw: unknown, at: string): RlsDescriptor {
  const d = asObject(raw, at);
  const list = d.entries;
  if (!Array.isArray(list) || list.length === 0) throw new InvalidRequestError(`${at}.entries`, 'must be a non-empty list', show(list));
  if (list.length > MAX_ENTRIES_PER_DESCRIPTOR) {
    throw new InvalidRequestError(`${at}.entries`, `must have at most ${MAX_ENTRIES_PER_DESCRIPTOR} entries`, `${list.length}`);
  }
  const entries: RlsEntry[] = new Array<RlsEntry>(list.length);
  for (let i = 0; i < list.length; i++) entries[i] = validateEntry(list[i], `${at}.entries[${i}]`);
  return { entries, limit: validateOverride(d.limit, `${at}.limit`), hits_addend: validateDescriptorAddend(d.hits_addend, `${at}.hits_addend`) };
}

function validateEntry(raw: unknown, at: string): RlsEntry {
  const e = asObject(raw, at);
  const { key, value } = e;
  if (typeof key !== 'string' || key.length === 0) throw new InvalidRequestError(`${at}.key`, 'must be a non-empty string', show(key));
  if (key.length > MAX_KEY_LENGTH) throw new InvalidRequestError(`${at}.key`, `must be at most ${MAX_KEY_LENGTH} characters`, `${key.length} characters`);
  if (typeof value !== 'string' || value.length === 0) throw new InvalidRequestError(`${at}.value`, 'must be a non-empty string', show(value));
  if (value.length > MAX_VALUE_LENGTH) throw new InvalidRequestError(`${at}.value`, `must be at most ${MAX_VALUE_LENGTH} characters`, `${value.length} characters`);
  return { key, value };
}

function validateOverride(raw: unknown, at: string): RlsDescriptor['limit'] {
  if (raw === null || raw === undefined) return null;
  const o = asObject(raw, at);
  const rpu = o.requests_per_unit ?? 0;
  if (typeof rpu !== 'number' || !Number.isInteger(rpu) || rpu < 0 || rpu > MAX_UINT32) {
    throw new InvalidRequestError(`${at}.requests_per_unit`, 'must be an unsigned 32-bit integer', show(rpu));
  }
  const unit = o.unit;
  if (typeof unit !== 'string' || !(LIMIT_UNITS as readonly string[]).includes(unit)) {
    throw new InvalidRequestError(`${at}.unit`, `must be one of ${LIMIT_UNITS.join(', ')}`, show(unit));
  }
  return { requests_per_unit: rpu, unit: unit as LimitUnit };
}

function validateDescriptorAddend(raw: unknown, at: string): number | null {
  if (raw === null || raw === undefined) return null;
  // proto-loader gives the UInt64Value wrapper as { value }; the JSON debug API may send a bare number.
  const value = typeof raw === 'object' ? ((raw as { value?: unknown }).value ?? 0) : raw;
  checkAddend(value, at);
  return value as number;
}

function checkAddend(value: unknown, at: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_HITS_ADDEND) {
    throw new InvalidRequestError(at, `must be an integer from 0 to ${MAX_HITS_ADDEND}`, show(value));
  }
}

function asObject(raw: unknown, at: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidRequestError(at, 'must be an object', show(raw));
  return raw as Record<string, unknown>;
}

/** A short rendering of a received value for error messages (never the whole of a huge value). */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
