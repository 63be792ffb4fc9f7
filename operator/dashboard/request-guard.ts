/**
 * The dashboard acts with the user's own credentials, so a web page from anywhere else must not be
 * able to drive it. Three checks, all pure:
 * - Host names the loopback address the server bound (127.0.0.1, localhost or [::1], with its
 *   port): a DNS-rebinding page reaches the port under its own host name and is refused.
 * - A write carries the per-process token in `X-Switchyard-Token`: a custom header makes every
 *   cross-site request a CORS preflight, which this server never grants, and the token itself
 *   is only readable by a page served from the dashboard.
 * - A write's Origin, when the browser sends one, is the dashboard's own.
 */

export const TOKEN_HEADER = 'x-switchyard-token';
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

export type GuardVerdict = { ok: true } | { ok: false; status: number; message: string };

/** The origins the dashboard is reached at, e.g. `http://127.0.0.1:3100`. */
export function loopbackOrigins(port: number): string[] {
  return LOOPBACK_NAMES.map((h) => `http://${h}:${port}`);
}

/** Refuses any request whose Host is not a loopback name with the server's port. */
export function checkHost(host: string | undefined, port: number): GuardVerdict {
  const allowed = LOOPBACK_NAMES.map((h) => `${h}:${port}`);
  if (host !== undefined && allowed.includes(host.toLowerCase())) return { ok: true };
  return { ok: false, status: 403, message: `Host must be one of ${allowed.join(', ')} (got ${JSON.stringify(host ?? '')}): the dashboard answers only on the loopback address it bound` };
}

/** Refuses a write without the token or from another origin. */
export function checkWrite(headers: { token?: string; origin?: string; secFetchSite?: string }, token: string, port: number): GuardVerdict {
  if (headers.token !== token) {
    return { ok: false, status: 403, message: `header ${TOKEN_HEADER} must carry this dashboard's token (${headers.token === undefined ? 'missing' : 'wrong value'}): writes come only from the dashboard's own page` };
  }
  if (headers.origin !== undefined && !loopbackOrigins(port).includes(headers.origin.toLowerCase())) {
    return { ok: false, status: 403, message: `Origin must be the dashboard's own (got ${JSON.stringify(headers.origin)})` };
  }
  if (headers.secFetchSite !== undefined && headers.secFetchSite !== 'same-origin' && headers.secFetchSite !== 'none') {
    return { ok: false, status: 403, message: `Sec-Fetch-Site must be same-origin (got ${JSON.stringify(headers.secFetchSite)})` };
  }
  return { ok: true };
}
