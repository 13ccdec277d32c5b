import { describe, expect, test } from "bun:test";
import { Counter, Gauge, Histogram, Registry } from "../../src/observe/prometheus.ts";
import { parseExposition, sampleValue } from "../helpers/prom-parse.ts";

describe("exposition format", () => {
  test("counters, histograms and gauges render and parse strictly", () => {
    const r = new Registry();
    const c = r.add(new Counter("t_requests_total", "Requests.", ["provider", "status_class"]));
    const h = r.add(new Histogram("t_latency_seconds", "Latency.", ["provider"], [0.1, 1]));
    r.add(new Gauge("t_depth", "Depth.", () => 7));
    c.inc(["openai", "2xx"]);
    c.inc(["openai", "2xx"], 2);
    c.inc(['we"ird\\la\nbel', "5xx"]);
    h.observe(["openai"], 0.05);
    h.observe(["openai"], 0.5);
    h.observe(["openai"], 5);
    const { samples, types } = parseExposition(r.render());
    expect(types).toEqual({ t_requests_total: "counter", t_latency_seconds: "histogram", t_depth: "gauge" });
    expect(sampleValue(samples, "t_requests_total", { provider: "openai", status_class: "2xx" })).toBe(3);
    expect(sampleValue(samples, "t_requests_total", { provider: 'we"ird\\la\nbel' })).toBe(1);
    // cumulative buckets
    expect(samples.filter((s) => s.name === "t_latency_seconds_bucket").map((s) => [s.labels.le, s.value])).toEqual([
      ["0.1", 1],
      ["1", 2],
      ["+Inf", 3],
    ]);
    expect(sampleValue(samples, "t_latency_seconds_sum")).toBeCloseTo(5.55, 10);
    expect(sampleValue(samples, "t_latency_seconds_count")).toBe(3);
    expect(sampleValue(samples, "t_depth")).toBe(7);
  });

  test("a series handle updates the same series as a lookup, and refuses what a lookup refuses", () => {
    const r = new Registry();
    const c = r.add(new Counter("t_tokens_total", "Tokens.", ["provider"]));
    const h = r.add(new Histogram("t_added_seconds", "Added.", ["provider"], [0.1, 1]));
    const series = c.at(["openai"]);
    expect(c.at(["openai"])).toBe(series);
    series.inc(5);
    c.inc(["openai"], 2);
    series.inc(Number.NaN);
    series.inc(-1);
    h.at(["openai"]).observe(0.5);
    h.observe(["openai"], 2);
    const { samples } = parseExposition(r.render());
    expect(sampleValue(samples, "t_tokens_total", { provider: "openai" })).toBe(7);
    expect(sampleValue(samples, "t_added_seconds_count", { provider: "openai" })).toBe(2);
    expect(samples.filter((s) => s.name === "t_added_seconds_bucket").map((s) => [s.labels.le, s.value])).toEqual([
      ["0.1", 0],
      ["1", 1],
      ["+Inf", 2],
    ]);
    // a refused amount makes no series through a lookup
    c.inc(["anthropic"], Number.POSITIVE_INFINITY);
    expect(r.render()).not.toContain("anthropic");
  });

  test("the strict parser rejects malformed lines", () => {
    expect(() => parseExposition("x 1")).toThrow();
    expect(() => parseExposition("undeclared 1\n")).toThrow();
    expect(() => parseExposition('# TYPE a counter\na{b="c} 1\n')).toThrow();
  });
});
