import { LIMIT_UNITS, type LimitUnit } from '../../core/limits/units.ts';
import { ConfigError, showValue } from './config-error.ts';

/**
 * The envoyproxy/ratelimit configuration format, accepted unchanged so its users can move over:
 * one document per domain, `descriptors` nested to any depth, each with `key`, optional `value`
 * (absent: any value; ending in `*`: any value with that prefix), optional `rate_limit`
 * (`unit`, `requests_per_unit`, `unlimited`, `name`, `replaces: [{name}]`), `shadow_mode`,
 * `detailed_metric` (accepted, no effect: our metrics are labelled per configured limit).
 */
export interface ReferenceRateLimit {
  requestsPerUnit: number;
  /** Undefined only when `unlimited`. */
  unit: LimitUnit | undefined;
  unlimited: boolean;
  name: string;
  replaces: string[];
}

export interface ReferenceDescriptor {
  key: string;
  /** Undefined: matches any value of `key`. */
  value: string | undefined;
  rateLimit: ReferenceRateLimit | undefined;
  shadowMode: boolean;
  descriptors: ReferenceDescriptor[];
  /** `<domain>.<key>_<value>.<key>…`, the reference implementation's full key; our quota id. */
  fullKey: string;
}

export interface ReferenceDomain {
  domain: string;
  descriptors: ReferenceDescriptor[];
}

const ROOT_KEYS = new Set(['domain', 'descriptors']);
const DESCRIPTOR_KEYS = new Set(['key', 'value', 'rate_limit', 'descriptors', 'shadow_mode', 'detailed_metric']);
const RATE_LIMIT_KEYS = new Set(['unit', 'requests_per_unit', 'unlimited', 'name', 'replaces']);
/** Every unit the reference accepts; WEEK, MONTH and YEAR are counted in UTC calendar windows (core/limits/units.ts). */
const UNIT_NAMES: ReadonlyMap<string, LimitUnit> = new Map(LIMIT_UNITS.map((u) => [u, u]));
const MAX_UINT32 = 4_294_967_295;

/**
 * Parses already YAML-decoded documents (one per domain). Throws ConfigError at the first
 * problem; `origin` names the file in messages. Domains must be unique across documents.
 */
export function parseReferenceConfig(origin: string, docs: unknown[]): ReferenceDomain[] {
  const seen = new Set<string>();
  return docs.map((doc, i) => {
    const at = docs.length > 1 ? `documents[${i}]` : '';
    const root = asMap(origin, at, doc, ROOT_KEYS);
    const domain = root.domain;
    if (typeof domain !== 'string' || domain === '') throw new ConfigError(origin, join(at, 'domain'), `must be a non-empty string (got ${showValue(domain)})`);
    if (seen.has(domain)) throw new ConfigError(origin, join(at, 'domain'), `must be unique across documents (got "${domain}" twice)`);
    seen.add(domain);
    return { domain, descriptors: parseDescriptors(origin, join(at, 'descriptors'), root.descriptors, domain) };
  });
}

function parseDescriptors(origin: string, at: string, raw: unknown, parentKey: string): ReferenceDescriptor[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ConfigError(origin, at, `must be a list (got ${showValue(raw)})`);
  const composite = new Set<string>();
  return raw.map((item, i) => {
    const here = `${at}[${i}]`;
    const d = asMap(origin, here, item, DESCRIPTOR_KEYS);
    if (typeof d.key !== 'string' || d.key === '') throw new ConfigError(origin, `${here}.key`, `must be a non-empty string (got ${showValue(d.key)})`);
    const value = optionalString(origin, `${here}.value`, d.value);
    const finalKey = value === undefined ? d.key : `${d.key}_${value}`;
    const fullKey = `${parentKey}.${finalKey}`;
    if (composite.has(finalKey)) throw new ConfigError(origin, here, `duplicate descriptor composite key '${fullKey}'`);
    composite.add(finalKey);
    return {
      key: d.key,
      value,
      rateLimit: d.rate_limit === undefined ? undefined : parseRateLimit(origin, `${here}.rate_limit`, d.rate_limit),
      shadowMode: optionalBool(origin, `${here}.shadow_mode`, d.shadow_mode),
      descriptors: parseDescriptors(origin, `${here}.descriptors`, d.descriptors, fullKey),
      fullKey,
    };
  });
}

function parseRateLimit(origin: string, at: string, raw: unknown): ReferenceRateLimit {
  const r = asMap(origin, at, raw, RATE_LIMIT_KEYS);
  const unlimited = optionalBool(origin, `${at}.unlimited`, r.unlimited);
  const unitText = optionalString(origin, `${at}.unit`, r.unit);
  const upper = unitText?.toUpperCase();
  const unit = upper === undefined ? undefined : UNIT_NAMES.get(upper);
  if (unlimited && unitText !== undefined) throw new ConfigError(origin, `${at}.unit`, `must not be set when unlimited is true (got ${showValue(unitText)})`);
  if (!unlimited && unit === undefined) throw new ConfigError(origin, `${at}.unit`, `must be one of ${LIMIT_UNITS.map((u) => u.toLowerCase()).join(', ')} (got ${showValue(unitText)})`);
  const rpu = r.requests_per_unit ?? 0;
  if (typeof rpu !== 'number' || !Number.isInteger(rpu) || rpu < 0 || rpu > MAX_UINT32) {
    throw new ConfigError(origin, `${at}.requests_per_unit`, `must be an unsigned 32-bit integer (got ${showValue(rpu)})`);
  }
  const name = optionalString(origin, `${at}.name`, r.name) ?? '';
  return { requestsPerUnit: rpu, unit, unlimited, name, replaces: parseReplaces(origin, `${at}.replaces`, r.replaces, name) };
}

function parseReplaces(origin: string, at: string, raw: unknown, ownName: string): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ConfigError(origin, at, `must be a list of {name} (got ${showValue(raw)})`);
  return raw.map((item, i) => {
    const r = asMap(origin, `${at}[${i}]`, item, new Set(['name']));
    if (typeof r.name !== 'string' || r.name === '') throw new ConfigError(origin, `${at}[${i}].name`, `must be a non-empty string (got ${showValue(r.name)})`);
    if (r.name === ownName) throw new ConfigError(origin, `${at}[${i}].name`, `must not name the limit itself (got "${r.name}")`);
    return r.name;
  });
}

function asMap(origin: string, at: string, raw: unknown, allowed: Set<string>): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(origin, at, `must be a mapping (got ${showValue(raw)})`);
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) throw new ConfigError(origin, join(at, key), `unknown key, allowed: ${[...allowed].join(', ')}`);
  }
  return raw as Record<string, unknown>;
}

function optionalString(origin: string, at: string, raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  // YAML turns `value: 200` into a number; the reference reads it as the string "200".
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (typeof raw !== 'string') throw new ConfigError(origin, at, `must be a string (got ${showValue(raw)})`);
  return raw;
}

function optionalBool(origin: string, at: string, raw: unknown): boolean {
  if (raw === undefined || raw === null) return false;
  if (typeof raw !== 'boolean') throw new ConfigError(origin, at, `must be true or false (got ${showValue(raw)})`);
  return raw;
}

function join(at: string, field: string): string {
  return at === '' ? field : `${at}.${field}`;
}
