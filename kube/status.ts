import { HttpMethod } from '@kubernetes/client-node';
import { specEqual } from '../lib/spec-equal.ts';
import { resourcePath } from './kinds.ts';
import { CONTENT_TYPE, type KubeClient } from './kube-client.ts';
import type { Cache, KindRef, ObjectKey } from './types.ts';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The JSON merge patch (RFC 7386) turning `live` into `desired`: keys missing from `desired` are
 * set to null (a merge patch only removes what it nulls), nested objects recurse, arrays and
 * scalars are replaced whole. Pure.
 */
export function mergePatchFor(live: unknown, desired: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const before = isPlainObject(live) ? live : {};
  for (const k of Object.keys(before)) if (!(k in desired) || desired[k] === undefined) patch[k] = null;
  for (const [k, v] of Object.entries(desired)) {
    if (v === undefined) continue;
    patch[k] = isPlainObject(v) && isPlainObject(before[k]) ? mergePatchFor(before[k], v) : v;
  }
  return patch;
}

export interface StatusWriterOptions {
  client: KubeClient;
  cache: Cache;
}

/**
 * Writes the status subresource of the controllers' own kinds with a merge patch
 * (application/merge-patch+json). No write when the cached status already equals `status`.
 * The status replaces the old one as a whole: fields absent from `status` are removed.
 */
export async function writeStatus(opts: StatusWriterOptions, kind: KindRef, key: ObjectKey, status: Record<string, unknown>): Promise<boolean> {
  const live = opts.cache.get(kind, key);
  if (live && specEqual(live.status ?? {}, status)) return false;
  const body = { status: mergePatchFor(live?.status, status) };
  const path = `${resourcePath(kind, key.namespace, key.name)}/status`;
  await opts.client.request(HttpMethod.PATCH, path, { body, contentType: CONTENT_TYPE.merge });
  return true;
}
