/**
 * The rate-limit service's side of a prom-client registry: metrics are registered on the given
 * registry only (never prom-client's global one), and labelled series are cached and capped, so a
 * hot-path lookup is one Map.get and a runaway label set cannot blow up Prometheus.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Label value that absorbs series beyond a metric's cap, so cardinality stays bounded. */
export const OVERFLOW_LABEL_VALUE = 'other';

/** One counter series (a prom-client child). */
export type Series = Counter.Internal;
/** One gauge series (a prom-client child). */
export type GaugeSeries = Gauge.Internal<string>;

/**
 * The children of one labelled metric, one per label set, created once (the series is exposed
 * from then on, at 0 until counted) and cached. At most `maxSeries` label sets get their own
 * series; later ones share the series whose every label is `other` (created on first overflow).
 */
export class CappedLabels<Child> {
  readonly #create: (values: string[]) => Child;
  readonly #labelCount: number;
  readonly #maxSeries: number;
  readonly #children = new Map<string, Child>();
  #overflow: Child | undefined;

  constructor(create: (values: string[]) => Child, labelCount: number, maxSeries: number) {
    this.#create = create;
    this.#labelCount = labelCount;
    this.#maxSeries = Math.max(maxSeries, 1);
  }

  /** The series for these label values (one per label name, in order). */
  labels(...values: string[]): Child {
    const key = values.join('\u0000');
    const found = this.#children.get(key);
    if (found !== undefined) return found;
    if (this.#children.size >= this.#maxSeries) return (this.#overflow ??= this.#create(Array<string>(this.#labelCount).fill(OVERFLOW_LABEL_VALUE)));
    const created = this.#create(values);
    this.#children.set(key, created);
    return created;
  }
}

/** Registers counters, gauges and histograms on one prom-client registry. */
export class MetricRegistry {
  readonly registry: Registry;

  /** `registry`: the process's registry; default a fresh one (tests). */
  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
  }

  counter(name: string, help: string, labelNames: readonly string[] = [], maxSeries = 1): CappedLabels<Series> {
    const counter = new Counter({ name, help, labelNames, registers: [this.registry] });
    return new CappedLabels(
      (values) => {
        const child = counter.labels(...values);
        child.inc(0); // prom-client creates a series on its first write; 0 exposes it at once
        return child;
      },
      labelNames.length,
      maxSeries,
    );
  }

  gauge(name: string, help: string, labelNames: readonly string[] = [], maxSeries = 1): CappedLabels<GaugeSeries> {
    const gauge = new Gauge({ name, help, labelNames, registers: [this.registry] });
    return new CappedLabels(
      (values) => {
        const child = gauge.labels(...values);
        child.set(0);
        return child;
      },
      labelNames.length,
      maxSeries,
    );
  }

  /** A histogram without labels; `buckets` are upper bounds in ascending order. */
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return new Histogram({ name, help, buckets: [...buckets], registers: [this.registry] });
  }

  /** Every metric of the registry (the process's, when shared) in the Prometheus text format. */
  expose(): Promise<string> {
    return this.registry.metrics();
  }
}
