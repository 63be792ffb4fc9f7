import { filtersTargeting } from '../filters/filters-targeting.ts';
import type { ParsedObjects } from './parse-objects.ts';
import type { AnalyzeInput, Finding } from './types.ts';

/** A filter ending this soon is worth a heads-up: its patches vanish from the routes by themselves. */
export const EXPIRY_WARNING_MS = 60 * 60_000;

function minutes(ms: number): string {
  const m = Math.max(1, Math.round(ms / 60_000));
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * SY0401 (warning): an IstioFilter whose `spec.expiresAt` falls within the next hour — its patches
 * leave the routes then. SY0402 (info): one that has expired and applies nothing, still present.
 */
export function expiringFilters(input: AnalyzeInput, parsed: ParsedObjects): Finding[] {
  const now = input.now.getTime();
  return parsed.filters.flatMap((f): Finding[] => {
    const at = f.spec.expiresAt === undefined ? Number.NaN : Date.parse(f.spec.expiresAt);
    if (Number.isNaN(at) || at - now > EXPIRY_WARNING_MS) return [];
    const object = { kind: 'IstioFilter', namespace: f.metadata.namespace ?? 'default', name: f.metadata.name };
    const routers = parsed.routers.filter((r) => filtersTargeting(r, [f]).length > 0).map((r) => r.metadata.name);
    const on = routers.length > 0 ? ` from Router ${routers.join(', ')}` : '';
    if (at <= now) return [{ severity: 'info', code: 'SY0402', object, message: `spec.expiresAt ${f.spec.expiresAt} has passed: the filter applies nothing; delete it when the experiment is over` }];
    return [{ severity: 'warning', code: 'SY0401', object, message: `spec.expiresAt ${f.spec.expiresAt} is in ${minutes(at - now)}: its ${f.spec.patches.length} patch(es) leave the routes${on} then` }];
  });
}

/**
 * SY0501 (warning): a Router asking for `spec.propagation.mode: verified` while the controllers
 * run without an istiod URL: each step then only waits the settle delay, unconfirmed.
 * SY0502 (info): such a Router when the controllers publish no configuration to check against.
 */
export function verifiedWithoutIstiod(input: AnalyzeInput, parsed: ParsedObjects): Finding[] {
  const verified = parsed.routers.filter((r) => r.spec.propagation?.mode === 'verified');
  const config = input.controllerConfig;
  return verified.flatMap((r): Finding[] => {
    const object = { kind: 'Router', namespace: r.metadata.namespace ?? 'default', name: r.metadata.name };
    if (config?.istiodUrl === 'set') return [];
    if (config?.istiodUrl === 'unset') {
      return [{ severity: 'warning', code: 'SY0501', object, message: `spec.propagation.mode is verified, but the controllers run without --istiod-debug-url (${config.source}: switchyard.io/istiod-url=unset): steps wait the settle delay instead, unconfirmed by istiod` }];
    }
    const where = config ? `${config.source} has no switchyard.io/istiod-url annotation` : 'no controller Lease found';
    return [{ severity: 'info', code: 'SY0502', object, message: `spec.propagation.mode is verified; cannot tell whether the controllers have an istiod URL (${where})` }];
  });
}
