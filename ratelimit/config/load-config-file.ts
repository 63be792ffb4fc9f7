import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigError, showValue } from './config-error.ts';
import { indexQuotaTable, type QuotaSnapshot } from './quota-index.ts';
import { parseReferenceConfig } from './reference-config.ts';
import { indexReferenceDomains } from './reference-index.ts';
import { switchyardQuotaTable } from './switchyard-config.ts';

/**
 * Reads a quota file in either accepted format and compiles it. The format is told by the first
 * document: a list or a mapping with `kind` → Switchyard RateLimit resources; a mapping with
 * `domain` → the envoyproxy/ratelimit format (one domain per document).
 * Throws ConfigError (never returns a partial table); an empty file is an error too, so a file
 * caught half-written by an editor does not wipe the live table.
 */
export async function loadConfigFile(path: string, nowMs: number): Promise<QuotaSnapshot> {
  const origin = basename(path);
  return parseConfigText(origin, await readFile(path, 'utf8'), nowMs);
}

/** `loadConfigFile` without the read; `origin` names the file in error messages. */
export function parseConfigText(origin: string, text: string, nowMs: number): QuotaSnapshot {
  const docs = decodeYaml(origin, text);
  const first = docs[0];
  if (first === undefined) throw new ConfigError(origin, '', 'must contain at least one YAML document (got an empty file)');
  if (Array.isArray(first) || (isMapping(first) && 'kind' in first)) {
    return { index: indexQuotaTable(switchyardQuotaTable(origin, docs)), origin: `file:${origin}`, format: 'switchyard', loadedAt: nowMs };
  }
  if (isMapping(first) && 'domain' in first) {
    return { index: indexReferenceDomains(parseReferenceConfig(origin, docs)), origin: `file:${origin}`, format: 'envoy-ratelimit', loadedAt: nowMs };
  }
  throw new ConfigError(origin, docs.length > 1 ? 'documents[0]' : '', `must be a list of RateLimit resources or an envoyproxy/ratelimit config with a domain (got ${showValue(first)})`);
}

function decodeYaml(origin: string, text: string): unknown[] {
  const docs = parseAllDocuments(text);
  const out: unknown[] = [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err !== undefined) throw new ConfigError(origin, '', `invalid YAML: ${(err.message.split('\n')[0] ?? err.message).replace(/:$/, '')}`);
    const value: unknown = doc.toJS();
    // A document holding only comments or `---` decodes to null; it carries nothing.
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
