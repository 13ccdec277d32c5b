/** Provider health from the org's own traffic: errors, statuses, latency, the last errors. */
import { gql } from "../api.ts";
import { PeriodBar, providerNames } from "../components/period-bar.tsx";
import { Table } from "../components/table.tsx";
import { useQuery } from "../components/use-query.ts";
import { count, duration, percent, time } from "../format.ts";
import { EventList, eventFields, type EventNode } from "./event-list.tsx";
import { Failure, keyOf, scopeOf, type ViewProps } from "./common.tsx";
import { HealthNow, nowQuery, type NowData } from "./health-now.tsx";

interface Health {
  provider: string;
  requests: number;
  errors: number;
  errorRate: number;
  avgLatencyMs: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  lastErrorAt: string | null;
  statusCounts: { status: number; count: number }[];
}
const query = (now: ReturnType<typeof nowQuery>) => `query Health($p: PeriodInput!, $f: EventFilter!, $org: ID, ${now.params}) {
  ${now.fields}
  providerHealth(period: $p, orgId: $org) { provider requests errors errorRate avgLatencyMs p50LatencyMs p95LatencyMs lastErrorAt statusCounts { status count } }
  errors: events(first: 10, filter: $f, orgId: $org) { edges { node { ${eventFields} } } }
}`;

export function Health({ params }: ViewProps) {
  const scope = scopeOf(params);
  const q = useQuery(
    () => {
      const now = nowQuery(Date.now());
      return gql<{ providerHealth: Health[]; errors: { edges: { node: EventNode }[] } } & NowData>(query(now), {
        ...now.vars,
        p: scope.period,
        f: { errorsOnly: true, from: scope.period.from, to: scope.period.to, provider: scope.provider },
        org: scope.orgId,
      });
    },
    keyOf(params),
  );
  const rows = q.data?.providerHealth.filter((h) => (!scope.provider || h.provider === scope.provider) && h.requests > 0) ?? [];
  return (
    <>
      {q.data && <HealthNow data={q.data} provider={scope.provider} />}
      <PeriodBar params={params} />
      {q.error ? <Failure error={q.error} /> : null}
      {q.data && (
        <>
          <section class="card">
            <Table
              name="health"
              caption="Providers in the period"
              rows={rows}
              empty="No traffic to any provider in this period."
              columns={[
                { label: "Provider", value: (h) => providerNames[h.provider] ?? h.provider },
                { label: "Requests", value: (h) => h.requests, text: (h) => count(h.requests), numeric: true },
                { label: "Errors", value: (h) => h.errors, text: (h) => count(h.errors), numeric: true },
                { label: "Error rate", value: (h) => h.errorRate, text: (h) => percent(h.errorRate), numeric: true },
                { label: "p50 latency (≈)", value: (h) => h.p50LatencyMs, text: (h) => duration(h.p50LatencyMs), numeric: true },
                { label: "p95 latency (≈)", value: (h) => h.p95LatencyMs, text: (h) => duration(h.p95LatencyMs), numeric: true },
                { label: "Statuses", value: (h) => h.statusCounts.map((s) => `${s.status}: ${count(s.count)}`).join(", ") },
                { label: "Last error", value: (h) => h.lastErrorAt, text: (h) => time(h.lastErrorAt) },
              ]}
            />
            <p class="muted small">Errors are the provider's: status ≥ 500, 429, timeouts and unreachable upstreams. Other 4xx count in the statuses only.</p>
          </section>
          <section class="card">
            <EventList name="last-errors" caption="Last errors" events={q.data.errors.edges.map((e) => e.node)} />
          </section>
        </>
      )}
    </>
  );
}
