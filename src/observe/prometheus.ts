/**
 * A small Prometheus registry: counters, histograms and scrape-time gauges,
 * rendered in the text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 * Updating a series is a Map lookup and an add (or only the add, through a
 * series handle the caller keeps); label values come only from bounded sets
 * chosen by the callers.
 */

type Labels = readonly string[];

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const fmt = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN");

function labelText(names: Labels, values: Labels, extra = ""): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? "")}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(",")}}` : "";
}

export interface Metric {
  render(): string;
}

/** One counter series, updated without a lookup. */
export class CounterSeries {
  n = 0;
  constructor(readonly values: Labels) {}
  inc(by = 1): void {
    // a counter only goes up, by a real amount: one bad figure would poison the series for good
    if (Number.isFinite(by) && by >= 0) this.n += by;
  }
}

export class Counter implements Metric {
  private series = new Map<string, CounterSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: Labels = [],
  ) {}
  /** The series for `values`, created on first use (it is rendered from then on, even at 0). */
  at(values: Labels): CounterSeries {
    const key = values.join("\u0000");
    let s = this.series.get(key);
    if (!s) {
      s = new CounterSeries([...values]);
      this.series.set(key, s);
    }
    return s;
  }
  inc(values: Labels = [], by = 1): void {
    if (!Number.isFinite(by) || by < 0) return;
    this.at(values).inc(by);
  }
  get(values: Labels = []): number {
    return this.series.get(values.join("\u0000"))?.n ?? 0;
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} counter\n`;
    for (const s of this.series.values()) out += `${this.name}${labelText(this.labelNames, s.values)} ${fmt(s.n)}\n`;
    return out;
  }
}

/** One histogram series, updated without a lookup. */
export class HistogramSeries {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(
    readonly values: Labels,
    readonly buckets: readonly number[],
  ) {
    this.counts = new Array(buckets.length).fill(0);
  }
  observe(v: number): void {
    // buckets are few (≤ 16): a linear scan beats a binary search here
    const b = this.buckets;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    if (i < b.length) this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export class Histogram implements Metric {
  private series = new Map<string, HistogramSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: Labels,
    readonly buckets: readonly number[],
  ) {}
  /** The series for `values`, created on first use. */
  at(values: Labels): HistogramSeries {
    const key = values.join("\u0000");
    let s = this.series.get(key);
    if (!s) {
      s = new HistogramSeries([...values], this.buckets);
      this.series.set(key, s);
    }
    return s;
  }
  observe(values: Labels, v: number): void {
    this.at(values).observe(v);
  }
  count(values: Labels): number {
    return this.series.get(values.join("\u0000"))?.count ?? 0;
  }
  render(): string {
    let out = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} histogram\n`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i]!;
        out += `${this.name}_bucket${labelText(this.labelNames, s.values, `le="${fmt(b)}"`)} ${cumulative}\n`;
      });
      out += `${this.name}_bucket${labelText(this.labelNames, s.values, 'le="+Inf"')} ${s.count}\n`;
      out += `${this.name}_sum${labelText(this.labelNames, s.values)} ${fmt(s.sum)}\n`;
      out += `${this.name}_count${labelText(this.labelNames, s.values)} ${s.count}\n`;
    }
    return out;
  }
}

/** A value read when scraped (queue depth, memory). */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly read: () => number,
    readonly type: "gauge" | "counter" = "gauge",
  ) {}
  render(): string {
    return `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} ${this.type}\n${this.name} ${fmt(this.read())}\n`;
  }
}

export class Registry {
  private metrics: Metric[] = [];
  add<M extends Metric>(m: M): M {
    this.metrics.push(m);
    return m;
  }
  render(): string {
    return this.metrics.map((m) => m.render()).join("");
  }
}

/** Seconds; from 1 ms to 10 min, for upstream calls that may think for minutes. */
export const latencyBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600] as const;
/** Seconds; Lectr's own overhead lives in microseconds to milliseconds. */
export const overheadBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1] as const;
