import { setTimeout as sleep } from 'node:timers/promises';
import { routesToHost, unmetReason, XDS_TYPE_URL, type IstiodDump, type XdsExpectation } from './xds-expectation.ts';

/** One proxy's xDS state as istiod's /debug/syncz reports it. */
interface SyncEntry {
  proxy?: string;
  resources?: Record<string, { sent?: string; acked?: string; lastError?: string }>;
}

/** Per proxy: which istiod it is connected to and the nonces last sent per xDS type. */
export type SyncSnapshot = Map<string, { url: string; sent: Record<string, string | undefined> }>;

export type VerifyOutcome =
  | { kind: 'confirmed'; confirmed: number; checked: number; ms: number }
  | { kind: 'timeout'; confirmed: number; checked: number; ms: number; pending: string[] }
  | { kind: 'unreachable'; reason: string };

export interface VerifyRequest {
  expectation: XdsExpectation;
  /** syncz before the step was applied: a proxy counts only once istiod pushed to it again. */
  before: SyncSnapshot;
  /** False when the step wrote nothing (already applied): no new push will come, none is needed. */
  requirePush: boolean;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Confirms make-before-break steps against the mesh's control plane. */
export interface PropagationVerifier {
  /** syncz of every istiod, or a reason why none answered. */
  snapshot(signal: AbortSignal): Promise<SyncSnapshot | string>;
  wait(request: VerifyRequest): Promise<VerifyOutcome>;
}

export interface IstiodVerifierOptions {
  /** istiod monitoring/debug base URLs (port 15014), one per replica. */
  urls: string[];
  /** Poll period (default 100 ms). */
  pollMs?: number;
  /** Most proxies checked per poll; the rest are reported as not checked (default 64). */
  maxProxies?: number;
  /** Per-request timeout (default 5 s). */
  requestTimeoutMs?: number;
  /**
   * Bearer token for istiod's debug endpoints, read per request (projected tokens rotate). istiod
   * answers unauthenticated requests from localhost only; from a pod it needs a Kubernetes token
   * (audience `istio-ca`) of istio-system or of a namespace in its
   * DEBUG_ENDPOINT_AUTH_ALLOWED_NAMESPACES.
   */
  token?: () => string | undefined;
  /** Called with every wait's outcome (the controller records it as a metric). */
  onOutcome?: (outcome: VerifyOutcome, seconds: number) => void;
}

const DEFAULT_POLL_MS = 100;
const DEFAULT_MAX_PROXIES = 64;
const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/**
 * The verified propagation wait over istiod's debug endpoints. A step counts as taken when every
 * proxy that routes to the service (its generated config has `outbound|<port>||<host>`):
 * 1. was pushed the step's xDS type (CDS for DestinationRules, RDS for the VirtualService) since the
 *    step was written (the sent nonce changed),
 * 2. acknowledged that push (acked nonce = sent nonce, no error: a NACK never counts),
 * 3. and the config istiod built for it (`/debug/config_dump?proxyID=`, from the push context it
 *    was last pushed) shows the expectation;
 * on two polls in a row, so a push context swapped in just before its send is not mistaken for
 * the acknowledged one.
 */
export function istiodVerifier(options: IstiodVerifierOptions): PropagationVerifier {
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const maxProxies = options.maxProxies ?? DEFAULT_MAX_PROXIES;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const getJson = async <T>(url: string, signal: AbortSignal): Promise<T> => {
    const token = options.token?.();
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const res = await fetch(url, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as T;
  };
  const syncz = async (signal: AbortSignal): Promise<{ entries: (SyncEntry & { url: string })[]; errors: string[] }> => {
    const entries: (SyncEntry & { url: string })[] = [];
    const errors: string[] = [];
    await Promise.all(
      options.urls.map(async (url) => {
        try {
          for (const e of await getJson<SyncEntry[]>(`${url}/debug/syncz`, signal)) entries.push({ ...e, url });
        } catch (err) {
          errors.push(err instanceof Error ? err.message : String(err));
        }
      }),
    );
    entries.sort((a, b) => (a.proxy ?? '').localeCompare(b.proxy ?? ''));
    return { entries, errors };
  };
  return {
    async snapshot(signal) {
      const { entries, errors } = await syncz(signal);
      if (errors.length === options.urls.length) return `istiod debug endpoints unreachable: ${errors.join('; ')}`;
      const snap: SyncSnapshot = new Map();
      for (const e of entries) {
        if (e.proxy === undefined) continue;
        const sent = Object.fromEntries(Object.entries(e.resources ?? {}).map(([t, r]) => [t, r.sent]));
        snap.set(e.proxy, { url: e.url, sent });
      }
      return snap;
    },
    async wait(req) {
      const started = Date.now();
      const outcome = await waitOnce(req, started);
      options.onOutcome?.(outcome, (Date.now() - started) / 1000);
      return outcome;
    },
  };

  async function waitOnce(req: VerifyRequest, started: number): Promise<VerifyOutcome> {
    const typeUrl = XDS_TYPE_URL[req.expectation.kind];
    let clearPolls = 0;
    for (;;) {
      const { entries, errors } = await syncz(req.signal);
      if (errors.length === options.urls.length) return { kind: 'unreachable', reason: `istiod debug endpoints unreachable: ${errors.join('; ')}` };
      // One dump per proxy, fetched together; a proxy that disconnected meanwhile is not checked.
      const verdicts = await Promise.all(
        entries.slice(0, maxProxies).map(async (e) => {
          if (e.proxy === undefined) return undefined;
          const dump = await getJson<IstiodDump>(`${e.url}/debug/config_dump?proxyID=${encodeURIComponent(e.proxy)}&types=cds,rds`, req.signal).catch(() => undefined);
          if (!dump || !routesToHost(dump, req.expectation.host, req.expectation.port)) return undefined;
          const why = pendingReason(e, typeUrl, req, dump);
          return { pending: why === undefined ? undefined : `${e.proxy}: ${why}` };
        }),
      );
      const checkedVerdicts = verdicts.filter((v) => v !== undefined);
      const checked = checkedVerdicts.length;
      const pending = checkedVerdicts.flatMap((v) => v.pending ?? []);
      const confirmed = checked - pending.length;
      const ms = Date.now() - started;
      clearPolls = pending.length === 0 ? clearPolls + 1 : 0;
      if (clearPolls >= 2) return { kind: 'confirmed', confirmed, checked, ms };
      if (ms > req.timeoutMs) return { kind: 'timeout', confirmed, checked, ms, pending };
      await sleep(pollMs, undefined, { signal: req.signal });
    }
  }
}

function pendingReason(e: SyncEntry, typeUrl: string, req: VerifyRequest, dump: IstiodDump): string | undefined {
  const res = e.resources?.[typeUrl];
  if (res?.lastError) return `rejected the last push: ${res.lastError}`;
  if (res?.sent === undefined) return 'nothing pushed yet';
  const before = e.proxy === undefined ? undefined : req.before.get(e.proxy);
  if (req.requirePush && before !== undefined && before.sent[typeUrl] === res.sent) return 'no push since the step was applied';
  if (res.acked !== res.sent) return 'has not acknowledged the last push';
  return unmetReason(dump, req.expectation);
}
