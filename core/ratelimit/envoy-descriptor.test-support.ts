/**
 * Test support: an independent model of how Envoy turns rendered rate-limit actions into a
 * descriptor for one request, written from Envoy's documented action semantics (not from the
 * renderer), so tests can check that what Envoy would send equals the quota entry.
 */

export interface ModelRequest {
  headers: Record<string, string>;
  /** Downstream remote IPv4 address. */
  remoteAddress: string;
  /** URI SAN of the downstream peer's certificate, if it presented one. */
  peerUriSan?: string;
}

type Entry = { key: string; value: string };

/** Entries Envoy builds from `actions` for `req`, or undefined when an action yields none. */
export function envoyDescriptorFor(actions: unknown[], req: ModelRequest): Entry[] | undefined {
  const out: Entry[] = [];
  for (const raw of actions) {
    const action = raw as Record<string, Record<string, unknown>>;
    const entry = applyAction(action, req);
    if (entry === undefined) return undefined;
    if (entry !== SKIP) out.push(entry);
  }
  return out;
}

/** An action that adds no entry but keeps the descriptor (`request_headers` with `skip_if_absent`). */
const SKIP = 'skip';

function applyAction(action: Record<string, Record<string, unknown>>, req: ModelRequest): Entry | typeof SKIP | undefined {
  if (action.extension) {
    const config = action.extension.typed_config as { descriptor_key: string; text: string; skip_if_error?: boolean };
    if (config.text !== 'connection.uri_san_peer_certificate') throw new Error(`model does not know expression ${config.text}`);
    // No peer certificate: the attribute is missing, an evaluation error.
    if (req.peerUriSan === undefined) return config.skip_if_error === true ? SKIP : undefined;
    return { key: config.descriptor_key, value: req.peerUriSan };
  }
  if (action.request_headers) {
    const rh = action.request_headers;
    const value = req.headers[(rh.header_name as string).toLowerCase()];
    if (value === undefined) return rh.skip_if_absent === true ? SKIP : undefined;
    return { key: rh.descriptor_key as string, value };
  }
  if (action.generic_key) {
    return { key: (action.generic_key.descriptor_key as string | undefined) ?? 'generic_key', value: action.generic_key.descriptor_value as string };
  }
  if (action.header_value_match) {
    const hvm = action.header_value_match;
    const matched = (hvm.headers as Record<string, unknown>[]).every((h) => headerMatches(h, req.headers));
    const expect = (hvm.expect_match as boolean | undefined) ?? true;
    if (matched !== expect) return undefined;
    return { key: (hvm.descriptor_key as string | undefined) ?? 'header_match', value: hvm.descriptor_value as string };
  }
  if (action.masked_remote_address) {
    const len = (action.masked_remote_address.v4_prefix_mask_len as number | undefined) ?? 32;
    const ip = req.remoteAddress.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    const net = len === 0 ? 0 : (ip - (ip % 2 ** (32 - len)));
    const text = [3, 2, 1, 0].map((i) => Math.floor(net / 256 ** i) % 256).join('.');
    return { key: 'masked_remote_address', value: `${text}/${len}` };
  }
  throw new Error(`model does not know action ${JSON.stringify(action)}`);
}

function headerMatches(matcher: Record<string, unknown>, headers: Record<string, string>): boolean {
  const value = headers[matcher.name as string];
  if (matcher.present_match === true) return value !== undefined;
  if (value === undefined) return false;
  const sm = matcher.string_match as { exact?: string; prefix?: string; safe_regex?: { regex: string } };
  if (sm.exact !== undefined) return value === sm.exact;
  if (sm.prefix !== undefined) return value.startsWith(sm.prefix);
  if (sm.safe_regex !== undefined) return new RegExp(`^(?:${sm.safe_regex.regex})$`).test(value);
  throw new Error(`model does not know matcher ${JSON.stringify(matcher)}`);
}
