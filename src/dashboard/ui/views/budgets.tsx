/** Budgets: each one's spend this period (recorded, held by requests in flight, forecast), its state and alerts; create and delete. */
import { useState } from "preact/hooks";
import { explain, gql } from "../api.ts";
import { Table } from "../components/table.tsx";
import { useQuery } from "../components/use-query.ts";
import { money, percent, time } from "../format.ts";
import { Failure, keyOf, orNone, scopeOf, type ViewProps } from "./common.tsx";
import { Outcome } from "./settings.tsx";
import { NewBudget, keyLabel, type KeyChoice } from "./budget-form.tsx";

interface Budget {
  id: string;
  name: string;
  feature: string | null;
  task: string | null;
  keyId: string | null;
  provider: string | null;
  model: string | null;
  period: string;
  timeZone: string;
  amountUsd: number;
  action: string;
  thresholds: number[];
  resetsAt: string;
  spentUsd: number;
  reservedUsd: number;
  remainingUsd: number;
  forecastUsd: number;
  state: string;
}
interface Alert {
  id: string;
  budgetId: string;
  kind: string;
  thresholdPct: number;
  spentUsd: number;
  forecastUsd: number;
  amountUsd: number;
  createdAt: string;
}
type Data = { budgets: Budget[]; budgetAlerts: Alert[]; org: { keys: KeyChoice[] } };

const query = `query Budgets($org: ID) {
  budgets(orgId: $org) { id name feature task keyId provider model period timeZone amountUsd action thresholds resetsAt spentUsd reservedUsd remainingUsd forecastUsd state }
  budgetAlerts(orgId: $org, limit: 50) { id budgetId kind thresholdPct spentUsd forecastUsd amountUsd createdAt }
  org(orgId: $org) { keys { id name prefix revokedAt } }
}`;

/** What a budget counts, in words: "feature support, key billing-service, model gpt-4o*", or the whole org. */
const scopeText = (b: Budget, keys: KeyChoice[]) =>
  [b.feature && `feature ${b.feature}`, b.task && `task ${b.task}`, b.keyId && `key ${keyLabel(keys, b.keyId)}`, b.provider && `provider ${b.provider}`, b.model && `model ${b.model}`].filter(Boolean).join(", ") ||
  "the whole org";

export function Budgets({ params }: ViewProps) {
  const { orgId } = scopeOf(params);
  const q = useQuery(() => gql<Data>(query, { org: orgId }), keyOf(params, "budgets"));
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const remove = async (b: Budget) => {
    try {
      await gql(`mutation($id: ID!, $org: ID) { deleteBudget(id: $id, orgId: $org) }`, { id: b.id, org: orgId });
      setMessage({ ok: true, text: `Deleted “${b.name}”.` });
      q.reload();
    } catch (err) {
      setMessage({ ok: false, text: explain(err) });
    }
  };
  const names = new Map(q.data?.budgets.map((b) => [b.id, b.name]));
  return (
    <>
      {q.error ? <Failure error={q.error} /> : null}
      <Outcome message={message} />
      {q.data && (
        <>
          <section class="card">
            <Table
              name="budgets"
              caption="Budgets, this period"
              rows={q.data.budgets}
              empty="No budgets yet. A budget alerts, or blocks, when a period's spend reaches its amount."
              columns={[
                { label: "Name", value: (b) => b.name },
                { label: "Counts", value: (b) => scopeText(b, q.data!.org.keys) },
                { label: "Period", value: (b) => `${b.period} (${b.timeZone})` },
                { label: "Amount", value: (b) => b.amountUsd, text: (b) => money(b.amountUsd), numeric: true },
                { label: "Spent", value: (b) => b.spentUsd, text: (b) => money(b.spentUsd), numeric: true },
                { label: "In flight", value: (b) => b.reservedUsd, text: (b) => money(b.reservedUsd), numeric: true },
                { label: "Remaining", value: (b) => b.remainingUsd, text: (b) => money(b.remainingUsd), numeric: true },
                { label: "Used", value: (b) => (b.amountUsd > 0 ? b.spentUsd / b.amountUsd : null), text: (b) => percent(b.amountUsd > 0 ? b.spentUsd / b.amountUsd : null), numeric: true },
                { label: "Forecast", value: (b) => b.forecastUsd, text: (b) => money(b.forecastUsd), numeric: true },
                { label: "State", value: (b) => b.state },
                { label: "At 100 %", value: (b) => b.action },
                { label: "Resets", value: (b) => b.resetsAt, text: (b) => time(b.resetsAt) },
              ]}
            />
            {q.data.budgets.length > 0 && (
              <div class="row">
                {q.data.budgets.map((b) => (
                  <button type="button" class="small danger" onClick={() => void remove(b)}>
                    Delete “{b.name}”
                  </button>
                ))}
              </div>
            )}
            <p class="muted small">Spent is what the events recorded; in flight is what requests still running hold; the forecast projects this period's spend to its end.</p>
          </section>
          <NewBudget orgId={orgId} keys={q.data.org.keys} onSaved={q.reload} />
          <section class="card">
            <Table
              name="budget-alerts"
              caption="Alerts"
              rows={q.data.budgetAlerts}
              empty="No alert has gone out."
              columns={[
                { label: "When", value: (a) => a.createdAt, text: (a) => time(a.createdAt) },
                { label: "Budget", value: (a) => orNone(names.get(a.budgetId) ?? a.budgetId) },
                { label: "Kind", value: (a) => a.kind },
                { label: "Threshold", value: (a) => a.thresholdPct, text: (a) => `${a.thresholdPct} %`, numeric: true },
                { label: "Spent", value: (a) => a.spentUsd, text: (a) => money(a.spentUsd), numeric: true },
                { label: "Forecast", value: (a) => a.forecastUsd, text: (a) => money(a.forecastUsd), numeric: true },
              ]}
            />
          </section>
        </>
      )}
    </>
  );
}
