import type { DescriptorEntry } from '../../core/ratelimit/descriptor.ts';
import type { QuotaEntry } from '../../core/ratelimit/quota-table.ts';
import type { MatchedQuota, QuotaIndex } from './quota-index.ts';
import type { ReferenceDescriptor, ReferenceDomain } from './reference-config.ts';

interface Level {
  /** `key\0value` → node, for descriptors with a plain value. */
  exact: Map<string, Node>;
  /** Descriptors whose value ends in `*`, in config order (the first that fits wins). */
  prefixes: { key: string; prefix: string; node: Node }[];
  /** Descriptors without a value: any value of that key. */
  anyValue: Map<string, Node>;
}

interface Node {
  limit: MatchedQuota | undefined;
  children: Level | undefined;
}

/**
 * Indexes envoyproxy/ratelimit domains with that implementation's matching rules. Walking a
 * request descriptor's entries from the domain root, each entry picks at the current level the
 * config descriptor with the same key and value, else one whose `value*` prefix fits, else the
 * one with the key and no value. The limit applies only when the walk consumes every entry and
 * the last node has a `rate_limit`; a request with more or fewer entries than the configured
 * path is not limited. Difference: the reference consults `*` prefixes only at the top level; here
 * they work at every level.
 */
export function indexReferenceDomains(domains: readonly ReferenceDomain[]): QuotaIndex {
  const roots = new Map<string, Level>();
  const all: QuotaEntry[] = [];
  for (const d of domains) roots.set(d.domain, buildLevel(d.domain, d.descriptors, [], all));
  all.sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    hasDomain: (domain) => roots.has(domain),
    match: (domain, entries) => walk(roots.get(domain), entries),
    entries: () => all,
  };
}

function walk(root: Level | undefined, entries: readonly DescriptorEntry[]): MatchedQuota | undefined {
  let level = root;
  for (let i = 0; i < entries.length && level !== undefined; i++) {
    const e = entries[i] as DescriptorEntry;
    const node = level.exact.get(e.key + '\u0000' + e.value) ?? prefixNode(level, e) ?? level.anyValue.get(e.key);
    if (node === undefined) return undefined;
    if (i === entries.length - 1) return node.limit;
    level = node.children;
  }
  return undefined;
}

function prefixNode(level: Level, e: DescriptorEntry): Node | undefined {
  for (const p of level.prefixes) if (p.key === e.key && e.value.startsWith(p.prefix)) return p.node;
  return undefined;
}

function buildLevel(domain: string, descriptors: readonly ReferenceDescriptor[], path: DescriptorEntry[], all: QuotaEntry[]): Level {
  const level: Level = { exact: new Map(), prefixes: [], anyValue: new Map() };
  for (const d of descriptors) {
    const here = [...path, { key: d.key, value: d.value ?? '' }];
    const node: Node = {
      limit: d.rateLimit === undefined ? undefined : matched(domain, d, here),
      children: d.descriptors.length > 0 ? buildLevel(domain, d.descriptors, here, all) : undefined,
    };
    if (node.limit !== undefined) all.push(node.limit.entry);
    if (d.value === undefined) level.anyValue.set(d.key, node);
    else if (d.value.endsWith('*')) level.prefixes.push({ key: d.key, prefix: d.value.slice(0, -1), node });
    else level.exact.set(d.key + '\u0000' + d.value, node);
  }
  return level;
}

function matched(domain: string, d: ReferenceDescriptor, entries: DescriptorEntry[]): MatchedQuota {
  const rl = d.rateLimit;
  if (rl === undefined) throw new Error('unreachable: matched() needs a rate_limit');
  const entry: QuotaEntry = {
    id: d.fullKey,
    domain,
    entries,
    requestsPerUnit: rl.requestsPerUnit,
    // An unlimited descriptor is never counted; its unit is irrelevant.
    unit: rl.unit ?? 'SECOND',
    shadow: d.shadowMode,
    algorithm: 'fixedWindow',
    // The reference leaves the failure mode to Envoy (failure_mode_deny); answering OK keeps that choice with Envoy.
    failureMode: 'allow',
  };
  return { entry, unlimited: rl.unlimited, name: rl.name, replaces: rl.replaces };
}
