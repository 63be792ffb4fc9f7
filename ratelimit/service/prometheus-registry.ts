/**
 * A small Prometheus registry (text exposition format 0.0.4): counters and gauges with labels,
 * histograms without. Enough for the rate-limit service, no dependency.
 */

/** Label value that absorbs series beyond a metric's cap, so cardinality stays bounded. */
export const OVERFLOW_LABEL_VALUE = 'other';

export interface Series {
  inc(by?: number): void;
  set(value: number): void;
  readonly value: number;
}

interface Metric {
  expose(): string;
}

class SeriesImpl implements Series {
  value = 0;
  readonly labelText: string;
  constructor(labelText: string) {
    this.labelText = labelText;
  }
  inc(by = 1): void {
    this.value += by;
  }
  set(value: number): void {
    this.value = value;
  }
}

/** A counter or gauge family. At most `maxSeries` label sets (+1 overflow series that later ones share). */
export class LabelledMetric implements Metric {
  readonly name: string;
  readonly #help: string;
  readonly #type: 'counter' | 'gauge';
  readonly #labelNames: readonly string[];
  readonly #maxSeries: number;
  readonly #series = new Map<string, SeriesImpl>();
  #overflowSeries: SeriesImpl | undefined;

  constructor(name: string, help: string, type: 'counter' | 'gauge', labelNames: readonly string[], maxSeries: number) {
    this.name = name;
    this.#help = help;
    this.#type = type;
    this.#labelNames = labelNames;
    this.#maxSeries = maxSeries;
  }

  /** The series for these label values (one per label name, in order). */
  labels(...values: string[]): Series {
    const key = values.join('\u0000');
    const found = this.#series.get(key);
    if (found !== undefined) return found;
    if (this.#series.size >= this.#maxSeries) return this.#overflow();
    const created = new SeriesImpl(labelText(this.#labelNames, values));
    this.#series.set(key, created);
    return created;
  }

  expose(): string {
    let out = `# HELP ${this.name} ${this.#help}\n# TYPE ${this.name} ${this.#type}\n`;
    for (const s of this.#series.values()) out += `${this.name}${s.labelText} ${formatNumber(s.value)}\n`;
    if (this.#overflowSeries !== undefined) out += `${this.name}${this.#overflowSeries.labelText} ${formatNumber(this.#overflowSeries.value)}\n`;
    return out;
  }

  /** The one series beyond the cap, every label `other`. */
  #overflow(): SeriesImpl {
    this.#overflowSeries ??= new SeriesImpl(labelText(this.#labelNames, this.#labelNames.map(() => OVERFLOW_LABEL_VALUE)));
    return this.#overflowSeries;
  }
}

/** A histogram without labels; `buckets` are upper bounds in ascending order. */
export class Histogram implements Metric {
  readonly name: string;
  readonly #help: string;
  readonly #bounds: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(name: string, help: string, buckets: readonly number[]) {
    this.name = name;
    this.#help = help;
    this.#bounds = buckets;
    this.#counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.#sum += value;
    this.#count += 1;
    for (let i = 0; i < this.#bounds.length; i++) {
      if (value <= (this.#bounds[i] as number)) {
        this.#counts[i] = (this.#counts[i] as number) + 1;
        return;
      }
    }
  }

  expose(): string {
    let out = `# HELP ${this.name} ${this.#help}\n# TYPE ${this.name} histogram\n`;
    let cumulative = 0;
    this.#bounds.forEach((bound, i) => {
      cumulative += this.#counts[i] as number;
      out += `${this.name}_bucket{le="${formatNumber(bound)}"} ${cumulative}\n`;
    });
    out += `${this.name}_bucket{le="+Inf"} ${this.#count}\n${this.name}_sum ${formatNumber(this.#sum)}\n${this.name}_count ${this.#count}\n`;
    return out;
  }
}

export class MetricRegistry {
  readonly #metrics: Metric[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = [], maxSeries = 1): LabelledMetric {
    return this.#add(new LabelledMetric(name, help, 'counter', labelNames, Math.max(maxSeries, 1)));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = [], maxSeries = 1): LabelledMetric {
    return this.#add(new LabelledMetric(name, help, 'gauge', labelNames, Math.max(maxSeries, 1)));
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets));
  }

  /** All metrics in registration order, in the Prometheus text format. */
  expose(): string {
    return this.#metrics.map((m) => m.expose()).join('');
  }

  #add<M extends Metric>(metric: M): M {
    this.#metrics.push(metric);
    return metric;
  }
}

function labelText(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return '';
  return `{${names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`).join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatNumber(n: number): string {
  return Number.isFinite(n) ? String(n) : n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
}
