/** Models: the model distribution table; a model opens its series and recent events. */
import { gql } from "../api.ts";
import { Chart, providerColors } from "../components/chart.tsx";
import { PeriodBar, providerNames } from "../components/period-bar.tsx";
import { Table } from "../components/table.tsx";
import { useQuery } from "../components/use-query.ts";
import { count, duration, money, moneyColumn, percent, spend } from "../format.ts";
import { axisFor, bucketFor } from "../period.ts";
import { href, withParams } from "../route.ts";
import { EventList, eventFields, type EventNode } from "./event-list.tsx";
import { Failure, keyOf, scopeOf, type ViewProps } from "./common.tsx";

interface ModelUsage {
  model: string;
  provider: string;
  requests: number;
  costUsd: number;
  avgLatencyMs: number;
  p95LatencyMs: number | null;
  inputTokens: number;
  outputTokens: number;
  errorRate: number;
  unpricedRequests: number;
}

const query = `query Models($p: PeriodInput!, $provider: Provider, $org: ID) {
  modelDistribution(period: $p, provider: $provider, orgId: $org) { model provider requests costUsd avgLatencyMs p95LatencyMs inputTokens outputTokens errorRate unpricedRequests }
}`;

const detailQuery = `query Model($p: PeriodInput!, $b: Bucket!, $model: String!, $provider: Provider!, $f: EventFilter!, $org: ID) {
  usageSeries(period: $p, bucket: $b, model: $model, provider: $provider, orgId: $org) { start requests costUsd }
  events(first: 20, filter: $f, orgId: $org) { edges { node { ${eventFields} } } }
}`;

export function Models({ params }: ViewProps) {
  const scope = scopeOf(params);
  const q = useQuery(() => gql<{ modelDistribution: ModelUsage[] }>(query, { p: scope.period, provider: scope.provider, org: scope.orgId }), keyOf(params, "models"));
  const model = params.get("model");
  const mprovider = params.get("mprovider");
  const models = q.data?.modelDistribution ?? [];
  const usd = moneyColumn(models.map((m) => m.costUsd));
  const total = models.reduce((sum, m) => sum + m.costUsd, 0);
  // per-request and per-token costs only where every request was priced: a partial cost over all requests would read cheaper than it is
  const perRequest = (m: ModelUsage) => (m.unpricedRequests === 0 ? m.costUsd / m.requests : null);
  const perMTok = (m: ModelUsage) => (m.unpricedRequests === 0 && m.inputTokens + m.outputTokens > 0 ? (m.costUsd / (m.inputTokens + m.outputTokens)) * 1e6 : null);
  const usdPerRequest = moneyColumn(models.map(perRequest));
  const usdPerMTok = moneyColumn(models.map(perMTok));
  return (
    <>
      <PeriodBar params={params} />
      {q.error ? <Failure error={q.error} /> : null}
      {q.data && (
        <section class="card">
          <Table
            name="models"
            caption="Models"
            rows={q.data.modelDistribution}
            sort={[3, "desc"]}
            columns={[
              { label: "Model", value: (r) => r.model, action: (r) => ({ href: href("models", withParams({ model: r.model, mprovider: r.provider })) }) },
              { label: "Provider", value: (r) => providerNames[r.provider] ?? r.provider },
              { label: "Requests", value: (r) => r.requests, text: (r) => count(r.requests), numeric: true },
              { label: "Spend", value: (r) => r.costUsd, text: (r) => spend(r.costUsd, r.requests, r.unpricedRequests, usd), numeric: true },
              { label: "Share of spend", value: (r) => (total > 0 ? r.costUsd / total : null), text: (r) => (total > 0 ? percent(r.costUsd / total) : "—"), numeric: true },
              { label: "Cost / request", value: perRequest, text: (r) => usdPerRequest(perRequest(r)), numeric: true },
              { label: "Cost / 1M tokens", value: perMTok, text: (r) => (r.unpricedRequests === 0 && r.inputTokens + r.outputTokens === 0 ? "—" : usdPerMTok(perMTok(r))), numeric: true },
              { label: "Avg latency", value: (r) => r.avgLatencyMs, text: (r) => duration(r.avgLatencyMs), numeric: true },
              { label: "p95 latency (≈)", value: (r) => r.p95LatencyMs, text: (r) => duration(r.p95LatencyMs), numeric: true },
              { label: "Input tokens", value: (r) => r.inputTokens, text: (r) => count(r.inputTokens), numeric: true },
              { label: "Output tokens", value: (r) => r.outputTokens, text: (r) => count(r.outputTokens), numeric: true },
              { label: "Error rate", value: (r) => r.errorRate, text: (r) => percent(r.errorRate), numeric: true },
            ]}
          />
          <p class="muted small">
            "unknown": requests with no known price, never counted as $0. p95 (≈) is estimated from histogram buckets, within −21 % … +26 %; the average includes timeouts, so it can exceed the p95.
          </p>
        </section>
      )}
      {model && mprovider && <ModelDetail params={params} model={model} provider={mprovider} />}
    </>
  );
}

function ModelDetail(props: { params: URLSearchParams; model: string; provider: string }) {
  const scope = scopeOf(props.params);
  const vars = {
    p: scope.period,
    b: bucketFor(scope.range),
    model: props.model,
    provider: props.provider,
    f: { model: props.model, provider: props.provider, from: scope.period.from, to: scope.period.to },
    org: scope.orgId,
  };
  const q = useQuery(
    () => gql<{ usageSeries: { start: string; requests: number; costUsd: number }[]; events: { edges: { node: EventNode }[] } }>(detailQuery, vars),
    keyOf(props.params, "detail"),
  );
  const color = providerColors[props.provider] ?? "#888";
  return (
    <section class="card" aria-labelledby="model-detail">
      <div class="table-head">
        <h2 id="model-detail">{props.model}</h2>
        <a class="small" href={href("models", withParams({ model: null, mprovider: null }))}>
          Close
        </a>
      </div>
      {q.error ? <Failure error={q.error} /> : null}
      {q.data && (
        <>
          <Chart label={`Requests to ${props.model} over time`} times={q.data.usageSeries.map((p) => Date.parse(p.start))} series={[{ label: "Requests", color, values: q.data.usageSeries.map((p) => p.requests) }]} format={count} {...axisFor(vars.b)} />
          <Chart label={`Spend on ${props.model} over time`} times={q.data.usageSeries.map((p) => Date.parse(p.start))} series={[{ label: "Spend", color, values: q.data.usageSeries.map((p) => p.costUsd) }]} format={money} {...axisFor(vars.b)} />
          <EventList name="model-events" caption="Recent events" events={q.data.events.edges.map((e) => e.node)} />
          <a href={href("events", { ...Object.fromEntries(props.params), model: props.model, provider: props.provider, mprovider: null })}>All its events</a>
        </>
      )}
    </section>
  );
}
