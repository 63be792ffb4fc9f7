/**
 * DestinationRule subset name of one branch×version, e.g. (`master`, `v1.0.1`) → `master-v1-0-1`;
 * a branch without versions is named by the branch alone (`box-0999`).
 *
 * Subset names end up in Envoy cluster names (`outbound|port|subset|fqdn`), so the result is
 * lowercase, every run of characters outside `[a-z0-9-]` becomes one `-`, repeated dashes collapse
 * and leading/trailing dashes are dropped. Deterministic; different inputs may collide
 * (`v1.0` and `v1_0`) — the renderer detects that.
 */
export function subsetName(branch: string, version?: string): string {
  const raw = version === undefined ? branch : `${branch}-${version}`;
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}
