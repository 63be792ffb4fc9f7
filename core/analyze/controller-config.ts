import type { ControllerConfig } from './types.ts';

/**
 * Annotations the controllers keep on their leader-election Lease so that users (and `analyze`)
 * can read the configuration that changes what Routers get, with ordinary read access to Leases.
 * Never a secret: whether an istiod URL is set (not the URL, nor the token), the Prometheus URL.
 */
export const ISTIOD_URL_ANNOTATION = 'switchyard.io/istiod-url';
export const PROMETHEUS_URL_ANNOTATION = 'switchyard.io/prometheus-url';

/** The Lease the controllers campaign for (and publish their configuration on). */
export const CONTROLLER_LEASE = { namespace: 'switchyard-system', name: 'switchyard-controllers' } as const;

/** The annotations for a controller configuration: `set`/`unset` for istiod, the Prometheus URL or `unset`. */
export function controllerConfigAnnotations(config: { istiodUrls: readonly string[]; prometheusUrl?: string }): Record<string, string> {
  return {
    [ISTIOD_URL_ANNOTATION]: config.istiodUrls.length > 0 ? 'set' : 'unset',
    [PROMETHEUS_URL_ANNOTATION]: config.prometheusUrl ?? 'unset',
  };
}

/** The published configuration read back from the Lease's annotations; undefined fields were not published. */
export function readControllerConfig(lease: { metadata: { namespace?: string; name: string; annotations?: Record<string, string> } }): ControllerConfig {
  const a = lease.metadata.annotations ?? {};
  const istiod = a[ISTIOD_URL_ANNOTATION];
  const prometheus = a[PROMETHEUS_URL_ANNOTATION];
  return {
    source: `Lease ${lease.metadata.namespace ?? ''}/${lease.metadata.name}`,
    istiodUrl: istiod === 'set' || istiod === 'unset' ? istiod : undefined,
    prometheusUrl: prometheus === undefined || prometheus === 'unset' ? undefined : prometheus,
  };
}
