import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { applyObjects, readObjects } from '../kube/apply-as-user.ts';
import { CRD, resourcePath } from '../kube/kinds.ts';
import { KubeClient } from '../kube/kube-client.ts';

/** Field manager of everything the harness applies, so its ownership is visible in managedFields. */
export const HARNESS_FIELD_MANAGER = 'switchyard-harness';

/** A CRD becomes Established within a second or two; a minute means something is wrong. */
const ESTABLISHED_TIMEOUT_MS = 60_000;
const POLL_MS = 100;

interface CrdList {
  items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}

/** Polls until every named CRD has condition Established=True; the error lists those that are not. */
export async function waitForCrdsEstablished(client: KubeClient, names: string[]): Promise<void> {
  const deadline = Date.now() + ESTABLISHED_TIMEOUT_MS;
  let pending = new Set(names);
  while (pending.size > 0) {
    const list = await client.get<CrdList>(resourcePath(CRD));
    const established = new Set(
      list.items.filter((crd) => crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')).map((crd) => crd.metadata.name),
    );
    pending = new Set([...pending].filter((n) => !established.has(n)));
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`CRDs not Established after ${ESTABLISHED_TIMEOUT_MS} ms: ${[...pending].join(', ')}`);
    await sleep(POLL_MS);
  }
}

/**
 * Server-side applies the CRDs in `files` and waits for all of them to be served; returns their
 * names. Bodies go out as written (the runtime's JSON transport): client-node's typed API classes
 * would re-serialise them through their models and drop keys such as `x-kubernetes-int-or-string`.
 */
export async function installCrds(kc: KubeConfig, files: string[]): Promise<string[]> {
  const client = new KubeClient(kc);
  const crds = (await readObjects(files)).filter((o) => o.kind === 'CustomResourceDefinition');
  await applyObjects(client, crds, HARNESS_FIELD_MANAGER);
  const names = crds.map((c) => c.metadata.name);
  await waitForCrdsEstablished(client, names);
  return names;
}

/** The API server's own message from a client-node error (its Status body), else the error text. */
export function apiMessage(err: unknown): string {
  const e = err as { body?: unknown; message?: string };
  if (typeof e.body === 'string') {
    try {
      const status = JSON.parse(e.body) as { message?: string };
      if (status.message) return status.message;
    } catch {
      return e.body;
    }
  }
  if (e.body && typeof e.body === 'object' && 'message' in e.body) return String((e.body as { message: unknown }).message);
  return e.message ?? String(err);
}
