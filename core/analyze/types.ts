/** The contract of `analyze`: what it reads and what it reports (text and `-o json`). */

export type Severity = 'error' | 'warning' | 'info';

/** The object a finding is about. */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** One problem spanning objects, in the spirit of `istioctl analyze`'s messages. */
export interface Finding {
  severity: Severity;
  /** Stable code, e.g. `SY0101`; documented in the README. */
  code: string;
  object: ObjectRef;
  /** Names the field and the value. */
  message: string;
}

/** Any Kubernetes object as the API server returns it; each check reads what it needs leniently. */
export interface LooseObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string };
  spec?: unknown;
  status?: unknown;
}

/**
 * What the controllers publish about their configuration (on their leader-election Lease), or
 * undefined when nothing is published (no Lease: leader election off, or controllers not installed).
 */
export interface ControllerConfig {
  /** Where it was read, for messages: `Lease switchyard-system/switchyard-controllers`. */
  source: string;
  istiodUrl: 'set' | 'unset' | undefined;
  prometheusUrl: string | undefined;
}

/** Everything `analyze` looks at, listed from one namespace or all of them. */
export interface AnalyzeInput {
  routers: LooseObject[];
  filters: LooseObject[];
  rateLimits: LooseObject[];
  virtualServices: LooseObject[];
  destinationRules: LooseObject[];
  services: LooseObject[];
  pods: LooseObject[];
  controllerConfig: ControllerConfig | undefined;
  now: Date;
}
