/**
 * Istio's rules (core/istio/istio-rules.ts) applied to the Router fields that become Istio names,
 * so a Router that would render objects istiod refuses fails naming its own field. Branch names,
 * versions and header matches are checked where they are rendered (branch-subsets.ts,
 * render-routes.ts); render-router.ts checks the rendered objects last, as a safety net.
 */
import type { Router } from '../../api/router.ts';
import { destinationHostRule, gatewayNameRule, labelKeyRule, labelValueRule, virtualServiceHostRule } from '../istio/rules/names.ts';
import { RenderError } from './render-error.ts';

function check(field: string, rule: string | undefined, value: unknown): void {
  if (rule !== undefined) throw new RenderError(field, rule, value);
}

/**
 * Checks `spec.host`, `spec.gateways`, `spec.selector` and `spec.labelKeys` against the rules of
 * the Istio fields they fill. @throws RenderError naming the first offending field.
 */
export function checkRouterFields(router: Router): void {
  const { spec } = router;
  if (spec.host !== undefined) {
    // The host is the VirtualService's (always bound to the mesh) and every destination's.
    check('spec.host', destinationHostRule(spec.host) ?? virtualServiceHostRule(spec.host, true), spec.host);
  }
  for (const [i, gateway] of (spec.gateways ?? []).entries()) check(`spec.gateways[${i}]`, gatewayNameRule(gateway), gateway);
  for (const [key, value] of Object.entries(spec.selector ?? {})) {
    check(`spec.selector.${key}`, labelKeyRule(key), key);
    check(`spec.selector.${key}`, labelValueRule(value), value);
  }
  for (const which of ['branch', 'version'] as const) {
    const key = spec.labelKeys?.[which];
    if (key !== undefined) check(`spec.labelKeys.${which}`, labelKeyRule(key), key);
  }
}
