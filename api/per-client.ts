import { z } from 'zod';

/** An HTTP header name (RFC 7230 token) or a pseudo-header such as `:authority`. */
const HEADER_NAME = /^(:[a-z]+|[!#$%&'*+\-.^_`|~A-Za-z0-9]+)$/;
export const MAX_PER_CLIENT_OVERRIDES = 64;
const IPV4_BITS = 32;
const IPV6_BITS = 128;

const ONE_KIND = 'set exactly one of header, remoteAddress or principal: the value each caller is counted by';

export const perClientOverride = z.object({
  /**
   * The caller's value: a header value, an IPv4 address or network inside the `prefixLength`
   * (`10.1.2.0/24`, or any address in it), or a principal (`cluster.local/ns/a/sa/b`, as Istio
   * writes principals, or the full `spiffe://` URI).
   */
  value: z.string().min(1).max(1024),
  /** Requests per unit for this caller, instead of `spec.quota`. */
  quota: z
    .number()
    .int()
    .min(1, { error: (iss) => `quota must be greater than 0 (got ${String(iss.input)})` })
    .max(1_000_000_000),
});
export type PerClientOverride = z.infer<typeof perClientOverride>;

/**
 * `spec.per`: one counter per caller instead of one for all. The caller is told apart by exactly
 * one of a request header's value, its address (masked to a prefix length) or its mTLS principal.
 */
export const perClient = z
  .object({
    /** One counter per value of this request header (e.g. `x-api-key`); matched case-insensitively, as Envoy does. */
    header: z.string().min(1).max(256).regex(HEADER_NAME, 'must be an HTTP header name (letters, digits and !#$%&\'*+-.^_`|~) or a pseudo-header such as :authority').optional(),
    /** One counter per caller address, masked: `prefixLength` for IPv4 (default 32: per address), `v6PrefixLength` for IPv6 (default 128). */
    remoteAddress: z
      .object({
        prefixLength: z.number().int().min(0).max(IPV4_BITS).optional(),
        v6PrefixLength: z.number().int().min(0).max(IPV6_BITS).optional(),
      })
      .optional(),
    /**
     * One counter per mTLS principal of the caller (server side: the URI SAN of the certificate
     * the caller's sidecar presents, `spiffe://cluster.local/ns/<ns>/sa/<sa>`).
     */
    principal: z.object({}).optional(),
    /** Callers with a quota of their own (at most 64, values unique). */
    overrides: z
      .array(perClientOverride)
      .max(MAX_PER_CLIENT_OVERRIDES)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['value'] }),
  })
  .superRefine((p, ctx) => {
    const kinds = [p.header, p.remoteAddress, p.principal].filter((k) => k !== undefined).length;
    if (kinds !== 1) ctx.addIssue({ code: 'custom', path: [], message: ONE_KIND });
    const seen = new Set<string>();
    for (const [i, o] of (p.overrides ?? []).entries()) {
      if (seen.has(o.value)) ctx.addIssue({ code: 'custom', path: ['overrides', i, 'value'], message: `must be unique, "${o.value}" appears twice` });
      seen.add(o.value);
    }
  })
  .meta({
    'x-kubernetes-validations': [{ rule: '[has(self.header), has(self.remoteAddress), has(self.principal)].filter(k, k).size() == 1', message: ONE_KIND }],
  });
export type PerClient = z.infer<typeof perClient>;
