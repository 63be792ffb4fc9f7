/**
 * A tiny Prometheus registry: counters, gauges and histograms with labels, rendered in the text
 * exposition format (version 0.0.4). Label values are escaped; series are sorted so the output is
 * deterministic.
 */

export type Labels = Record<string, string>;

/** Reconciles and API writes take milliseconds to tens of seconds (Istio settle waits). */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

type Kind = 'counter' | 'gauge' | 'histogram';

interface Series {
  labels: Labels;
  value: number;
  buckets?: number[];
  sum?: number;
}

function labelKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escape(labels[k] ?? '')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

function formatNumber(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

export class Metric {
  readonly name: string;
  readonly help: string;
  readonly kind: Kind;
  readonly bucketBounds: number[];
  readonly #series = new Map<string, Series>();

  constructor(name: string, help: string, kind: Kind, buckets: number[] = DEFAULT_BUCKETS) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`metric name "${name}" is not a valid Prometheus name`);
    this.name = name;
    this.help = help;
    this.kind = kind;
    this.bucketBounds = [...buckets].sort((a, b) => a - b);
  }

  #get(labels: Labels): Series {
    const key = labelKey(labels);
    let s = this.#series.get(key);
    if (!s) {
      s = { labels: { ...labels }, value: 0 };
      if (this.kind === 'histogram') Object.assign(s, { buckets: this.bucketBounds.map(() => 0), sum: 0 });
      this.#series.set(key, s);
    }
    return s;
  }

  /** Counters only go up: a negative increment is a programming error. */
  inc(labels: Labels = {}, by = 1): void {
    if (this.kind === 'counter' && by < 0) throw new Error(`counter ${this.name}: increment must be >= 0, got ${by}`);
    this.#get(labels).value += by;
  }

  set(labels: Labels, value: number): void {
    if (this.kind !== 'gauge') throw new Error(`${this.name} is a ${this.kind}; only gauges can be set`);
    this.#get(labels).value = value;
  }

  observe(labels: Labels, value: number): void {
    if (this.kind !== 'histogram') throw new Error(`${this.name} is a ${this.kind}; only histograms observe`);
    const s = this.#get(labels);
    s.value += 1;
    s.sum = (s.sum ?? 0) + value;
    this.bucketBounds.forEach((bound, i) => {
      if (value <= bound && s.buckets) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    });
  }

  /** The current value of one series (count for histograms); 0 when never touched. */
  value(labels: Labels = {}): number {
    return this.#series.get(labelKey(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help.replace(/\n/g, ' ')}`, `# TYPE ${this.name} ${this.kind}`];
    const series = [...this.#series.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s);
    for (const s of series) {
      if (this.kind !== 'histogram') {
        lines.push(`${this.name}${formatLabels(s.labels)} ${formatNumber(s.value)}`);
        continue;
      }
      this.bucketBounds.forEach((bound, i) => {
        lines.push(`${this.name}_bucket${formatLabels({ ...s.labels, le: formatNumber(bound) })} ${s.buckets?.[i] ?? 0}`);
      });
      lines.push(`${this.name}_bucket${formatLabels({ ...s.labels, le: '+Inf' })} ${s.value}`);
      lines.push(`${this.name}_sum${formatLabels(s.labels)} ${formatNumber(s.sum ?? 0)}`);
      lines.push(`${this.name}_count${formatLabels(s.labels)} ${s.value}`);
    }
    return lines.join('\n');
  }
}

export class Registry {
  readonly #metrics = new Map<string, Metric>();
  readonly #collectors: (() => void)[] = [];

  /** Runs `fn` before every render (for gauges read at scrape time, e.g. queue depth). */
  onCollect(fn: () => void): void {
    this.#collectors.push(fn);
  }

  /** Returns the existing metric of that name (same kind), or registers a new one. */
  #register(name: string, help: string, kind: Kind, buckets?: number[]): Metric {
    const existing = this.#metrics.get(name);
    if (existing) {
      if (existing.kind !== kind) throw new Error(`metric ${name} is already registered as a ${existing.kind}, not a ${kind}`);
      return existing;
    }
    const metric = new Metric(name, help, kind, buckets);
    this.#metrics.set(name, metric);
    return metric;
  }

  counter(name: string, help: string): Metric {
    return this.#register(name, help, 'counter');
  }

  gauge(name: string, help: string): Metric {
    return this.#register(name, help, 'gauge');
  }

  histogram(name: string, help: string, buckets?: number[]): Metric {
    return this.#register(name, help, 'histogram', buckets);
  }

  /** The text exposition format, metrics sorted by name, ending in a newline. */
  render(): string {
    for (const collect of this.#collectors) collect();
    const names = [...this.#metrics.keys()].sort();
    return names.map((n) => this.#metrics.get(n)?.render()).join('\n') + '\n';
  }
}

/** Content type of `Registry.render()` output. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
