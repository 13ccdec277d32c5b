/**
 * Reconciliation: what Lectr recorded against what OpenAI and Anthropic
 * billed, per UTC day × provider × model; choose a row for its token classes
 * and the provider's breakdown per API key / project / workspace; the runs.
 */
import { useState } from "preact/hooks";
import { gql } from "../api.ts";
import { PeriodBar, providerNames } from "../components/period-bar.tsx";
import { Table } from "../components/table.tsx";
import { useQuery } from "../components/use-query.ts";
import { count, money, time } from "../format.ts";
import { Failure, keyOf, scopeOf, type ViewProps } from "./common.tsx";

interface Counts {
  requests: number | null;
  uncachedInputTokens: number | null;
  cacheReadTokens: number | null;
  cacheWrite5mTokens: number | null;
  cacheWrite1hTokens: number | null;
  outputTokens: number | null;
}
interface Source {
  kind: string;
  id: string;
  billedUsd: number | null;
  expectedUsd: number | null;
  reported: Counts;
}
interface Row {
  day: string;
  provider: string;
  model: string;
  status: string;
  recordedUsd: number | null;
  billedUsd: number | null;
  expectedUsd: number | null;
  unseenUsd: number | null;
  driftUsd: number | null;
  recorded: Counts;
  reported: Counts;
  breakdown: Source[];
}
interface Run {
  id: string;
  provider: string;
  from: string;
  to: string;
  startedAt: string;
  status: string;
  error: string | null;
  apiCalls: number;
}
type Data = {
  reconciliation: { enabled: boolean; message: string | null; recordedUsd: number; billedUsd: number; unseenUsd: number; driftUsd: number; rows: Row[] };
  reconciliationRuns: Run[];
};

const counts = "requests uncachedInputTokens cacheReadTokens cacheWrite5mTokens cacheWrite1hTokens outputTokens";
const query = `query Reconciliation($p: PeriodInput!, $provider: Provider, $org: ID) {
  reconciliation(period: $p, provider: $provider, orgId: $org) {
    enabled message recordedUsd billedUsd unseenUsd driftUsd
    rows { day provider model status recordedUsd billedUsd expectedUsd unseenUsd driftUsd recorded { ${counts} } reported { ${counts} }
      breakdown { kind id billedUsd expectedUsd reported { ${counts} } } }
  }
  reconciliationRuns(orgId: $org, limit: 20) { id provider from to startedAt status error apiCalls }
}`;

const classes: { id: keyof Counts; label: string }[] = [
  { id: "requests", label: "Requests" },
  { id: "uncachedInputTokens", label: "Uncached input tokens" },
  { id: "cacheReadTokens", label: "Cache read tokens" },
  { id: "cacheWrite5mTokens", label: "Cache write tokens (5 min)" },
  { id: "cacheWrite1hTokens", label: "Cache write tokens (1 h)" },
  { id: "outputTokens", label: "Output tokens" },
];

const statusText: Record<string, string> = { MATCHED: "matched", PROVISIONAL: "provisional", MISMATCHED: "mismatched" };
const day = (iso: string) => iso.slice(0, 10);
const rowKey = (r: Row) => `${r.day}|${r.provider}|${r.model}`;

export function Reconciliation({ params }: ViewProps) {
  const scope = scopeOf(params);
  // only OpenAI and Anthropic publish admin usage and cost reports
  const provider = scope.provider === "OPENAI" || scope.provider === "ANTHROPIC" ? scope.provider : null;
  const q = useQuery(() => gql<Data>(query, { p: scope.period, provider, org: scope.orgId }), keyOf(params, "reconciliation"));
  const [chosen, setChosen] = useState<string>();
  if (q.error) return <Failure error={q.error} />;
  if (!q.data) return <p class="muted">Loading…</p>;
  const r = q.data.reconciliation;
  const row = r.rows.find((x) => rowKey(x) === chosen);
  return (
    <>
      <PeriodBar params={params} />
      {!r.enabled && (
        <div class="alert" role="status" data-reconciliation-off>
          {r.message}
        </div>
      )}
      <section class="stats" aria-label="Reconciliation totals">
        {(
          [
            ["recordedUsd", "Recorded by Lectr", r.recordedUsd],
            ["billedUsd", "Billed by the providers", r.billedUsd],
            ["unseenUsd", "Unseen spend", r.unseenUsd],
            ["driftUsd", "Price drift", r.driftUsd],
          ] as const
        ).map(([id, label, v]) => (
          <div class="stat" data-stat={id} data-value={v}>
            <span class="stat-label">{label}</span>
            <span class="stat-value">{money(v)}</span>
          </div>
        ))}
      </section>
      <section class="card">
        <Table
          name="reconciliation"
          caption="By day, provider and model (UTC days)"
          rows={r.rows}
          empty="No reconciled days in this period: set a provider admin key in Settings or run lectr reconcile."
          columns={[
            { label: "Day", value: (x) => day(x.day) },
            { label: "Provider", value: (x) => providerNames[x.provider] ?? x.provider },
            { label: "Model", value: (x) => x.model, action: (x) => ({ onClick: () => setChosen(rowKey(x)) }) },
            { label: "Status", value: (x) => statusText[x.status] ?? x.status },
            { label: "Recorded", value: (x) => x.recordedUsd, text: (x) => money(x.recordedUsd), numeric: true },
            { label: "Billed", value: (x) => x.billedUsd, text: (x) => money(x.billedUsd), numeric: true },
            { label: "Unseen", value: (x) => x.unseenUsd, text: (x) => money(x.unseenUsd), numeric: true },
            { label: "Drift", value: (x) => x.driftUsd, text: (x) => money(x.driftUsd), numeric: true },
            { label: "Requests (recorded / reported)", value: (x) => x.reported.requests, text: (x) => `${count(x.recorded.requests)} / ${count(x.reported.requests)}`, numeric: true },
          ]}
        />
      </section>
      {row && (
        <section class="card" data-detail={rowKey(row)}>
          <h2>
            {row.model} · {providerNames[row.provider] ?? row.provider} · {day(row.day)}
          </h2>
          <p class="muted">
            At Lectr's prices the provider's tokens cost {money(row.expectedUsd)}; the provider billed {money(row.billedUsd)}
            {row.driftUsd !== null && Math.abs(row.driftUsd) >= 0.01 ? ` — the price of ${row.model} in Lectr's price book is off by ${money(row.driftUsd)}` : ""}.
          </p>
          <Table
            name="reconciliation-classes"
            caption="Tokens by class"
            rows={classes}
            columns={[
              { label: "Class", value: (c) => c.label },
              { label: "Recorded", value: (c) => row.recorded[c.id], text: (c) => count(row.recorded[c.id]), numeric: true },
              { label: "Reported", value: (c) => row.reported[c.id], text: (c) => count(row.reported[c.id]), numeric: true },
            ]}
          />
          <Table
            name="reconciliation-sources"
            caption="The provider's figures by API key, project or workspace"
            rows={row.breakdown}
            empty="The provider reported no breakdown for this row."
            columns={[
              { label: "Kind", value: (s) => s.kind },
              { label: "Id", value: (s) => s.id },
              { label: "Requests", value: (s) => s.reported.requests, text: (s) => count(s.reported.requests), numeric: true },
              { label: "Output tokens", value: (s) => s.reported.outputTokens, text: (s) => count(s.reported.outputTokens), numeric: true },
              { label: "At Lectr's prices", value: (s) => s.expectedUsd, text: (s) => money(s.expectedUsd), numeric: true },
              { label: "Billed", value: (s) => s.billedUsd, text: (s) => money(s.billedUsd), numeric: true },
            ]}
          />
        </section>
      )}
      <section class="card">
        <Table
          name="reconciliation-runs"
          caption="Runs"
          rows={q.data.reconciliationRuns}
          empty="No runs yet."
          columns={[
            { label: "Started", value: (x) => x.startedAt, text: (x) => time(x.startedAt) },
            { label: "Provider", value: (x) => providerNames[x.provider] ?? x.provider },
            { label: "Days", value: (x) => x.from, text: (x) => `${day(x.from)} – ${day(new Date(Date.parse(x.to) - 1).toISOString())}` },
            { label: "Status", value: (x) => x.status },
            { label: "Error", value: (x) => x.error ?? "" },
            { label: "API calls", value: (x) => x.apiCalls, numeric: true },
          ]}
        />
      </section>
    </>
  );
}
