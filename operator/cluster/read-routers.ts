import { ISTIO_FILTER, ROUTER, resourcePath } from './kinds.ts';
import { ApiError, type KubeClient } from '../../kube/kube-client.ts';
import { routerView, routerViews, type ClusterObject, type RouterView } from './router-view.ts';

/** Which Routers to read: one namespace (or all, `undefined`), optionally one Router by name. */
export interface RouterSelection {
  /** Undefined: every namespace. */
  namespace: string | undefined;
  /** One Router (needs `namespace`). */
  name?: string;
}

/** The Router asked for does not exist (HTTP 404). */
export class RouterNotFoundError extends Error {
  readonly namespace: string;
  readonly routerName: string;
  constructor(namespace: string, name: string) {
    super(`Router ${JSON.stringify(name)} not found in namespace ${JSON.stringify(namespace)}`);
    this.name = 'RouterNotFoundError';
    this.namespace = namespace;
    this.routerName = name;
  }
}

interface List {
  items: ClusterObject[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/** Every object of a kind in a namespace (or all), following `continue` tokens. */
export async function listAll(client: KubeClient, path: string): Promise<ClusterObject[]> {
  const items: ClusterObject[] = [];
  let cont: string | undefined;
  do {
    const page = await client.get<List>(path, { query: { limit: 500, continue: cont } });
    items.push(...page.items);
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return items;
}

/** One Router as the API server holds it; RouterNotFoundError when there is none. */
export async function readRouter(client: KubeClient, namespace: string, name: string): Promise<ClusterObject> {
  const router = await client.find<ClusterObject>(resourcePath(ROUTER, namespace, name));
  if (router === undefined) throw new RouterNotFoundError(namespace, name);
  return router;
}

/** The IstioFilters of a namespace (or all). */
export function readFilters(client: KubeClient, namespace: string | undefined): Promise<ClusterObject[]> {
  return listAll(client, resourcePath(ISTIO_FILTER, namespace));
}

/**
 * Reads the Routers selected and the IstioFilters of their namespaces, and builds their views
 * (sorted by namespace/name). One Router by name that does not exist: RouterNotFoundError.
 */
export async function readRouterViews(client: KubeClient, selection: RouterSelection): Promise<RouterView[]> {
  if (selection.name !== undefined) {
    if (selection.namespace === undefined) throw new Error('a Router named by name needs a namespace');
    const router = await readRouter(client, selection.namespace, selection.name);
    return [routerView(router, await readFilters(client, selection.namespace))];
  }
  const [routers, filters] = await Promise.all([listAll(client, resourcePath(ROUTER, selection.namespace)), readFilters(client, selection.namespace)]);
  return routerViews(routers, filters);
}

/**
 * A one-line reason for a failed cluster read, for a person: the API server's own message, or
 * what stopped the connection (refused, DNS, TLS, timeout), never a stack.
 */
export function clusterErrorMessage(err: unknown, server?: string): string {
  if (err instanceof RouterNotFoundError) return err.message;
  if (err instanceof ApiError) {
    if (err.code === 401) return `the API server refused the credentials (HTTP 401): ${err.serverMessage}`;
    if (err.code === 403) return `forbidden (HTTP 403): ${err.serverMessage}`;
    if (err.code === 404 && /the server could not find the requested resource/i.test(err.serverMessage)) {
      return 'the cluster does not serve switchyard.io/v1alpha1 (are the Switchyard CRDs installed?)';
    }
    return `the API server answered HTTP ${err.code}: ${err.serverMessage}`;
  }
  const e = err as { message?: string; code?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code ?? e?.code;
  const where = server === undefined ? 'the cluster' : `the cluster at ${server}`;
  if (code === 'ECONNREFUSED') return `cannot reach ${where}: connection refused`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot reach ${where}: host not found`;
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return `cannot reach ${where}: connection timed out`;
  if (code === 'ECONNRESET') return `cannot reach ${where}: connection reset`;
  const detail = e?.cause?.message ?? e?.message ?? String(err);
  // undici wraps every transport failure (a refused port, TLS, a bad URL) in a TypeError 'fetch failed'.
  if (e?.message === 'fetch failed' || /ECONNREFUSED|connect/i.test(detail)) return `cannot reach ${where}: ${detail}`;
  return detail;
}
