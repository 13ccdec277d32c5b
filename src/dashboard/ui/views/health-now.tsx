/**
 * Provider health right now, whatever the period picker says: the last 15
 * and 60 minutes of each provider against its own last 7 days, and its error
 * rate and p95 latency hour by hour over the last 24 hours.
 */
import { Chart, providerColors } from "../components/chart.tsx";
import { providerNames, providers } from "../components/period-bar.tsx";
import { Table } from "../components/table.tsx";
import { count, duration, percent } from "../format.ts";
import { healthState, stateLabels, type Window } from "../health-state.ts";
import { asInput, axisFor } from "../period.ts";

const windowFields = "provider requests errors errorRate p95LatencyMs";

/** The query's parts and variables, for the view's one request. */
export function nowQuery(now: number): { fields: string; params: string; vars: Record<string, unknown> } {
  const ago = (ms: number) => asInput({ from: now - ms, to: now });
  return {
    params: "$n15: PeriodInput!, $n60: PeriodInput!, $usual: PeriodInput!, $day: PeriodInput!",
    fields: `n15: providerHealth(period: $n15, orgId: $org) { ${windowFields} }
  n60: providerHealth(period: $n60, orgId: $org) { ${windowFields} }
  usual: providerHealth(period: $usual, orgId: $org) { ${windowFields} }
  ${providers.map((p) => `h_${p}: usageSeries(period: $day, bucket: HOUR, provider: ${p}, orgId: $org) { start requests errors p95LatencyMs }`).join("\n  ")}`,
    vars: { n15: ago(15 * 60_000), n60: ago(3_600_000), usual: asInput({ from: now - 7 * 86_400_000, to: now - 3_600_000 }), day: ago(86_400_000) },
  };
}

type Row = Window & { provider: string };
type Point = { start: string; requests: number; errors: number; p95LatencyMs: number | null };
export type NowData = { n15: Row[]; n60: Row[]; usual: Row[] } & Record<string, unknown>;

export function HealthNow({ data, provider }: { data: NowData; provider: string | null }) {
  const find = (rows: Row[], p: string) => rows.find((r) => r.provider === p)!;
  const rows = providers
    .filter((p) => (!provider || p === provider) && (find(data.usual, p).requests > 0 || find(data.n60, p).requests > 0))
    .map((p) => {
      const n15 = find(data.n15, p);
      const n60 = find(data.n60, p);
      const usual = find(data.usual, p);
      // the quarter hour decides, unless it is too quiet to say: then the hour
      const state = n15.requests >= 5 ? healthState(n15, usual) : healthState(n60, usual);
      return { provider: p, state, n15, n60, usual };
    });
  const shown = rows.map((r) => r.provider);
  const series = (p: string) => (data[`h_${p}`] as Point[] | undefined) ?? [];
  const times = series(providers[0]!).map((x) => Date.parse(x.start));
  const lines = (value: (x: Point) => number | null) =>
    shown.map((p) => ({ label: providerNames[p]!, color: providerColors[p]!, values: series(p).map(value) }));
  return (
    <section class="card" aria-labelledby="right-now-title">
      <h2 id="right-now-title">Right now</h2>
      <Table
        name="right-now"
        caption="The last 15 and 60 minutes against each provider's last 7 days"
        rows={rows}
        empty="No traffic to any provider in the last 7 days."
        columns={[
          { label: "Provider", value: (r) => providerNames[r.provider] ?? r.provider },
          { label: "State", value: (r) => stateLabels[r.state], tone: (r) => `state state-${r.state}` },
          { label: "Requests, 15 min", value: (r) => r.n15.requests, text: (r) => count(r.n15.requests), numeric: true },
          { label: "Error rate, 15 min", value: (r) => r.n15.errorRate, text: (r) => (r.n15.requests ? percent(r.n15.errorRate) : "—"), numeric: true },
          { label: "Requests, 60 min", value: (r) => r.n60.requests, text: (r) => count(r.n60.requests), numeric: true },
          { label: "Error rate, 60 min", value: (r) => r.n60.errorRate, text: (r) => (r.n60.requests ? percent(r.n60.errorRate) : "—"), numeric: true },
          { label: "p95, 60 min (≈)", value: (r) => r.n60.p95LatencyMs, text: (r) => duration(r.n60.p95LatencyMs), numeric: true },
          { label: "Usual error rate", value: (r) => r.usual.errorRate, text: (r) => (r.usual.requests ? percent(r.usual.errorRate) : "—"), numeric: true },
          { label: "Usual p95 (≈)", value: (r) => r.usual.p95LatencyMs, text: (r) => duration(r.usual.p95LatencyMs), numeric: true },
        ]}
      />
      <p class="muted small">
        "Usual" is the provider's last 7 days before this hour. p95 latencies are estimated from histogram buckets, within −21 % … +26 % of the exact value.
      </p>
      {shown.length > 0 && (
        <div class="now-grid">
          <Chart label="Error rate by hour over the last 24 hours, by provider" times={times} series={lines((x) => (x.requests ? x.errors / x.requests : null))} format={percent} {...axisFor("HOUR")} />
          <Chart label="p95 latency by hour over the last 24 hours, by provider" times={times} series={lines((x) => x.p95LatencyMs)} format={duration} {...axisFor("HOUR")} />
        </div>
      )}
    </section>
  );
}
