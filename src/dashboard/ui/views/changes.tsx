/**
 * What changed: spend per provider, model, feature, task or key in the
 * period against the period before it (or any other), largest change first.
 */
import { gql } from "../api.ts";
import { PeriodBar, providerNames } from "../components/period-bar.tsx";
import { Table } from "../components/table.tsx";
import { useQuery } from "../components/use-query.ts";
import { count, delta, moneyColumn, moneyDelta } from "../format.ts";
import { asInput } from "../period.ts";
import { setParams } from "../route.ts";
import { Failure, keyOf, orNone, scopeOf, type ViewProps } from "./common.tsx";

export const dimensions = { PROVIDER: "Provider", MODEL: "Model", FEATURE: "Feature", TASK: "Task", KEY: "Key" } as const;
type Dimension = keyof typeof dimensions;

interface Change {
  key: string | null;
  label: string | null;
  costUsd: number;
  previousCostUsd: number;
  changeUsd: number;
  requests: number;
  previousRequests: number;
}

const query = `query Changes($p: PeriodInput!, $prev: PeriodInput, $by: UsageDimension!, $org: ID) {
  spendChanges(period: $p, previous: $prev, by: $by, limit: 50, orgId: $org) { previousFrom previousTo changes { key label costUsd previousCostUsd changeUsd requests previousRequests } }
}`;

/** The other period from the URL (`vsFrom`/`vsTo`, local time as the inputs give it); null: the one before. */
function otherPeriod(params: URLSearchParams) {
  const from = Date.parse(params.get("vsFrom") ?? "");
  const to = Date.parse(params.get("vsTo") ?? "");
  return Number.isFinite(from) && Number.isFinite(to) && from < to ? asInput({ from, to }) : null;
}

export function Changes({ params }: ViewProps) {
  const scope = scopeOf(params);
  const by = (params.get("by") as Dimension | null) ?? "MODEL";
  const dim: Dimension = by in dimensions ? by : "MODEL";
  const vs = otherPeriod(params);
  const q = useQuery(() => gql<{ spendChanges: { previousFrom: string; previousTo: string; changes: Change[] } }>(query, { p: scope.period, prev: vs, by: dim, org: scope.orgId }), keyOf(params));
  const rows = q.data?.spendChanges.changes ?? [];
  const usd = moneyColumn(rows.flatMap((r) => [r.costUsd, r.previousCostUsd]));
  const name = (r: Change) => (dim === "PROVIDER" && r.key ? providerNames[r.key] ?? r.key : orNone(r.label));
  return (
    <>
      <PeriodBar params={params} provider={false} />
      <div class="toolbar" role="group" aria-label="What to compare">
        <label>
          By{" "}
          <select name="by" value={dim} onChange={(e) => setParams({ by: e.currentTarget.value })}>
            {Object.entries(dimensions).map(([id, label]) => (
              <option value={id}>{label}</option>
            ))}
          </select>
        </label>
        <label>
          Compared with from <input type="datetime-local" name="vsFrom" value={params.get("vsFrom") ?? ""} onChange={(e) => setParams({ vsFrom: e.currentTarget.value })} />
        </label>
        <label>
          to <input type="datetime-local" name="vsTo" value={params.get("vsTo") ?? ""} onChange={(e) => setParams({ vsTo: e.currentTarget.value })} />
        </label>
      </div>
      {q.error ? <Failure error={q.error} /> : null}
      {q.data && (
        <section class="card">
          <Table
            name="changes"
            caption={`Change in spend by ${dimensions[dim].toLowerCase()}, largest first`}
            rows={rows}
            empty="No spend in either period."
            columns={[
              { label: dimensions[dim], value: name },
              { label: "Spend", value: (r) => r.costUsd, text: (r) => usd(r.costUsd), numeric: true },
              { label: "Before", value: (r) => r.previousCostUsd, text: (r) => usd(r.previousCostUsd), numeric: true },
              { label: "Change", value: (r) => r.changeUsd, text: (r) => moneyDelta(r.costUsd, r.previousCostUsd), numeric: true },
              { label: "Change %", value: (r) => (r.previousCostUsd > 0 ? r.changeUsd / r.previousCostUsd : null), text: (r) => delta(r.costUsd, r.previousCostUsd), numeric: true },
              { label: "Requests", value: (r) => r.requests, text: (r) => `${count(r.requests)} (was ${count(r.previousRequests)})`, numeric: true },
            ]}
          />
          <p class="muted small">
            {vs ? "Against the period chosen above" : "Against the period of the same length just before"}: {new Date(q.data.spendChanges.previousFrom).toLocaleString()} – {new Date(q.data.spendChanges.previousTo).toLocaleString()}. Amounts are the priced
            requests'; a change from next to nothing reads "new".
          </p>
        </section>
      )}
    </>
  );
}
