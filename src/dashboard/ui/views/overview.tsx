/**
 * Overview: the period's totals against the previous period, spend over time
 * stacked by provider, the top models and the unpriced ones; before the first
 * event, how to send it (polling until it arrives).
 */
import { useEffect, useState } from "preact/hooks";
import { gql } from "../api.ts";
import { Chart, providerColors } from "../components/chart.tsx";
import { PeriodBar, providerNames, providers } from "../components/period-bar.tsx";
import { Table } from "../components/table.tsx";
import { useQuery } from "../components/use-query.ts";
import { count, delta, money, moneyDelta, percent, pointsDelta } from "../format.ts";
import { axisFor, bucketFor } from "../period.ts";
import { href } from "../route.ts";
import { FirstRun } from "./first-run.tsx";
import { ReconciledLine } from "../components/reconciled-line.tsx";
import { incidentHours } from "../health-state.ts";
import { MonthSpend, monthFields, type Month } from "./month-spend.tsx";
import { Failure, keyOf, scopeOf, type ViewProps } from "./common.tsx";

const totals = "requests errors errorRate costUsd inputTokens cachedInputTokens outputTokens reasoningTokens unpricedRequests";

const query = `query Overview($p: PeriodInput!, $prev: PeriodInput!, $b: Bucket!, $f: EventFilter, $provider: Provider, $org: ID) {
  now: usageGroups(period: $p, filter: $f, orgId: $org) { total { ${totals} } }
  before: usageGroups(period: $prev, filter: $f, orgId: $org) { total { ${totals} } }
  ${providers.map((p) => `${p}: usageSeries(period: $p, bucket: $b, provider: ${p}, orgId: $org) { start costUsd requests errors }`).join("\n  ")}
  models: modelDistribution(period: $p, provider: $provider, orgId: $org) { model provider requests costUsd }
  unpriced: unpricedModels(period: $p, orgId: $org) { model provider requests }
  first: events(first: 1, orgId: $org) { edges { node { id } } }
  month: monthSpend(orgId: $org) { ${monthFields} }
  breakdown: costBreakdown(period: $p, orgId: $org) { providers { provider costUsd previousCostUsd changeUsd requests unpricedRequests } }
}`;

interface ProviderCost {
  provider: string;
  costUsd: number;
  previousCostUsd: number;
  changeUsd: number;
  requests: number;
  unpricedRequests: number;
}

interface Totals {
  requests: number;
  errors: number;
  errorRate: number;
  costUsd: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  unpricedRequests: number;
}
type Point = { start: string; costUsd: number; requests: number; errors: number };
type Data = { now: { total: Totals }; before: { total: Totals }; month: Month; breakdown: { providers: ProviderCost[] }; models: { model: string; provider: string; requests: number; costUsd: number }[]; unpriced: { model: string; provider: string; requests: number }[]; first: { edges: unknown[] } } & Record<
  string,
  Point[]
>;

/** Rates change in points (2 % → 4.7 % is +2.7 pts); amounts in percent. */
const stats: { id: keyof Totals; label: string; text: (v: number) => string; change: "up-bad" | "neutral"; rate?: true }[] = [
  { id: "costUsd", label: "Spend", text: money, change: "up-bad" },
  { id: "requests", label: "Requests", text: count, change: "neutral" },
  { id: "inputTokens", label: "Input tokens", text: count, change: "neutral" },
  { id: "cachedInputTokens", label: "Cached input tokens", text: count, change: "neutral" },
  { id: "outputTokens", label: "Output tokens", text: count, change: "neutral" },
  { id: "reasoningTokens", label: "Reasoning tokens", text: count, change: "neutral" },
  { id: "errorRate", label: "Error rate", text: percent, change: "up-bad", rate: true },
];

export function Overview({ params }: ViewProps) {
  const scope = scopeOf(params);
  const vars = { p: scope.period, prev: scope.previous, b: bucketFor(scope.range), f: scope.provider ? { provider: scope.provider } : null, provider: scope.provider, org: scope.orgId };
  const [waiting, setWaiting] = useState(false);
  // before the first event, poll so the page turns into the overview by itself
  const q = useQuery(() => gql<Data>(query, vars), keyOf(params), waiting ? 2000 : undefined);
  const data = q.data;
  useEffect(() => setWaiting(data !== undefined && data.first.edges.length === 0), [data]);
  if (q.error) return <Failure error={q.error} />;
  if (!data) return <p class="muted">Loading…</p>;
  if (data.first.edges.length === 0) return <FirstRun />;
  const now = data.now.total;
  const before = data.before.total;
  const series = providers
    .filter((p) => !scope.provider || p === scope.provider)
    .map((p) => ({ label: providerNames[p]!, color: providerColors[p]!, values: (data[p] ?? []).map((x) => x.costUsd) }))
    .filter((s) => s.values.some((v) => v > 0));
  const times = (data[providers[0]!] ?? []).map((x) => Date.parse(x.start));
  // a provider's failing buckets, drawn on the spend chart so a dip in spend has its reason next to it
  const marks = providers
    .filter((p) => !scope.provider || p === scope.provider)
    .flatMap((p) => incidentHours(data[p] ?? []).map((start) => ({ time: Date.parse(start), label: `${providerNames[p]} failing` })));
  return (
    <>
      <MonthSpend month={data.month} />
      <PeriodBar params={params} />
      <ReconciledLine params={params} />
      {now.unpricedRequests > 0 && (
        <div class="alert" role="alert" data-unpriced={now.unpricedRequests}>
          <strong>
            {count(now.unpricedRequests)} {now.unpricedRequests === 1 ? "request has" : "requests have"} no known price
          </strong>{" "}
          and {now.unpricedRequests === 1 ? "is" : "are"} left out of the spend (
          {data.unpriced.map((u) => u.model).slice(0, 3).join(", ")}
          {data.unpriced.length > 3 ? "…" : ""}). <a href={href("settings", { tab: "prices", period: params.get("period") })}>Set their prices</a>
        </div>
      )}
      <section class="stats" aria-label="Totals">
        {stats.map((s) => {
          const change = s.rate ? pointsDelta(now[s.id], before[s.id]) : delta(now[s.id], before[s.id]);
          const worse = s.change === "up-bad" && now[s.id] > before[s.id];
          return (
            <div class="stat" data-stat={s.id} data-value={now[s.id]}>
              <span class="stat-label">{s.label}</span>
              <span class="stat-value">{s.text(now[s.id])}</span>
              <span class={`stat-change ${worse ? "worse" : ""}`} title={`Previous period: ${s.text(before[s.id])}`}>
                {change !== "new" ? (
                  <>
                    {change} <span class="muted">vs previous period</span>
                  </>
                ) : (
                  <span class="muted">{before[s.id] === 0 ? "none before" : `new: ${s.text(before[s.id])} before`}</span>
                )}
              </span>
            </div>
          );
        })}
      </section>
      <section class="card">
        <h2>Spend over time, by provider</h2>
        {series.length ? <Chart label="Spend over time, stacked by provider" times={times} series={series} stacked format={money} marks={marks} {...axisFor(vars.b)} /> : <p class="muted">No priced spend in this period.</p>}
      </section>
      <section class="card">
        <Table
          name="provider-costs"
          caption="Cost per provider, against the previous period"
          rows={data.breakdown.providers.filter((p) => !scope.provider || p.provider === scope.provider)}
          columns={[
            { label: "Provider", value: (r) => providerNames[r.provider] ?? r.provider },
            { label: "Spend", value: (r) => r.costUsd, text: (r) => money(r.costUsd) + (r.unpricedRequests > 0 ? ` + ${count(r.unpricedRequests)} unpriced` : ""), numeric: true },
            { label: "Previous period", value: (r) => r.previousCostUsd, text: (r) => money(r.previousCostUsd), numeric: true },
            { label: "Change", value: (r) => r.changeUsd, text: (r) => moneyDelta(r.costUsd, r.previousCostUsd), numeric: true },
            { label: "Change %", value: (r) => (r.previousCostUsd > 0 ? r.changeUsd / r.previousCostUsd : null), text: (r) => delta(r.costUsd, r.previousCostUsd), numeric: true },
            { label: "Requests", value: (r) => r.requests, text: (r) => count(r.requests), numeric: true },
          ]}
          empty={<p class="muted">No traffic in this period or the one before.</p>}
        />
      </section>
      <section class="card">
        <Table
          name="top-models"
          caption="Top models"
          rows={data.models.slice().sort((a, b) => b.costUsd - a.costUsd).slice(0, 8)}
          columns={[
            { label: "Model", value: (r) => r.model, action: (r) => ({ href: href("models", { ...Object.fromEntries(params), model: r.model, mprovider: r.provider }) }) },
            { label: "Provider", value: (r) => providerNames[r.provider] ?? r.provider },
            { label: "Requests", value: (r) => r.requests, text: (r) => count(r.requests), numeric: true },
            { label: "Spend", value: (r) => r.costUsd, text: (r) => money(r.costUsd), numeric: true },
          ]}
        />
      </section>
    </>
  );
}
