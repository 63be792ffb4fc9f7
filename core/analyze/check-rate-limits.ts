import type { RateLimit } from '../../api/rate-limit.ts';
import { rateLimitDescriptor } from '../ratelimit/descriptor.ts';
import { findHostBackends, type ServiceObject } from '../ratelimit/host-backends.ts';
import { rateLimitTarget, type RateLimitTarget } from '../ratelimit/target.ts';
import type { ParsedObjects } from './parse-objects.ts';
import { selectorText, selects } from './routing-refs.ts';
import type { AnalyzeInput, Finding, LooseObject } from './types.ts';

interface Placed {
  rl: RateLimit;
  target: RateLimitTarget;
  stage: number;
  domain: string;
}

/** Where each global RateLimit's EnvoyFilter lands, as the controller renders it; unresolvable ones are left out (they render nothing). */
function placed(parsed: ParsedObjects, services: readonly LooseObject[]): Placed[] {
  return parsed.rateLimits.flatMap((rl) => {
    if (rl.spec.mode === 'local') return [];
    try {
      const backends = findHostBackends(rl, { routers: parsed.routers, services: services as ServiceObject[] });
      return [{ rl, target: rateLimitTarget(rl, backends), stage: rl.spec.stage ?? 0, domain: rateLimitDescriptor(rl).domain }];
    } catch {
      return [];
    }
  });
}

function compatible(a: Record<string, string>, b: Record<string, string>): boolean {
  return Object.entries(a).every(([k, v]) => b[k] === undefined || b[k] === v);
}

const selectorName = (t: RateLimitTarget): string => (t.workloadSelector ? selectorText(t.workloadSelector.labels) : 'every workload');

/**
 * SY0301: two global RateLimits whose EnvoyFilters land on the same proxies (same namespace and
 * side, overlapping workload selectors) with the same stage and domain. Envoy's rate-limit filter
 * sends every rate limit of its stage on the virtual host, whichever RateLimit added it, so each
 * request is counted twice. An error when a pod (or every workload) is selected by both; a warning
 * when the selectors could select the same pods but none runs now.
 */
export function duplicateRateLimits(input: AnalyzeInput, parsed: ParsedObjects): Finding[] {
  const all = placed(parsed, input.services);
  const out: Finding[] = [];
  all.forEach((a, i) => {
    for (const b of all.slice(i + 1)) {
      const namespace = a.rl.metadata.namespace ?? 'default';
      if ((b.rl.metadata.namespace ?? 'default') !== namespace || a.target.context !== b.target.context || a.stage !== b.stage || a.domain !== b.domain) continue;
      const sa = a.target.workloadSelector?.labels;
      const sb = b.target.workloadSelector?.labels;
      if (sa && sb && !compatible(sa, sb)) continue;
      const both = input.pods.filter((p) => (p.metadata.namespace ?? 'default') === namespace && (!sa || selects(sa, p)) && (!sb || selects(sb, p)));
      const certain = !sa || !sb || both.length > 0;
      const where = both.length > 0 ? `both select pod ${both.map((p) => p.metadata.name).slice(0, 3).join(', ')}${both.length > 3 ? ` and ${both.length - 3} more` : ''}` : certain ? 'both select every workload one of them covers' : 'their selectors can select the same pods (none runs now)';
      out.push({
        severity: certain ? 'error' : 'warning',
        code: 'SY0301',
        object: { kind: 'RateLimit', namespace, name: b.rl.metadata.name },
        message: `lands on the same proxies as RateLimit ${namespace}/${a.rl.metadata.name} (workloads ${selectorName(b.target)} and ${selectorName(a.target)}; ${where}) with the same stage ${b.stage} and domain ${b.domain}: each request is counted by both; set spec.stage or spec.domain apart`,
      });
    }
  });
  return out;
}
