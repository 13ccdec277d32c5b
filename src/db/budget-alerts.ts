/** The only SQL over `budget_alerts`: an alert is claimed once per budget, period, kind and threshold across replicas. */
import type { Client } from "@libsql/client";

export type AlertKind = "threshold" | "forecast";

export interface AlertRow {
  id: string;
  orgId: string;
  budgetId: string;
  periodStart: number;
  kind: AlertKind;
  /** Percent of the amount; 100 for a forecast alert. */
  threshold: number;
  spentUsd: number;
  forecastUsd: number;
  amountUsd: number;
  createdAt: number;
}

/** Inserts the alert unless one exists for its budget, period, kind and threshold: true when this call made it. */
export async function claimAlert(client: Client, a: AlertRow): Promise<boolean> {
  const res = await client.execute({
    sql: `INSERT INTO budget_alerts (id, org_id, budget_id, period_start, kind, threshold, spent_usd, forecast_usd, amount_usd, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (budget_id, period_start, kind, threshold) DO NOTHING`,
    args: [a.id, a.orgId, a.budgetId, a.periodStart, a.kind, a.threshold, a.spentUsd, a.forecastUsd, a.amountUsd, a.createdAt],
  });
  return res.rowsAffected === 1;
}

/** Alerts of a budget's period already claimed (by any replica). */
export async function claimedAlerts(client: Client, budgetId: string, periodStart: number): Promise<{ kind: AlertKind; threshold: number }[]> {
  const res = await client.execute({ sql: "SELECT kind, threshold FROM budget_alerts WHERE budget_id = ? AND period_start = ?", args: [budgetId, periodStart] });
  return res.rows.map((r) => ({ kind: String(r.kind) as AlertKind, threshold: Number(r.threshold) }));
}

export async function listAlerts(client: Client, orgId: string, limit: number): Promise<AlertRow[]> {
  const res = await client.execute({
    sql: `SELECT id, org_id, budget_id, period_start, kind, threshold, spent_usd, forecast_usd, amount_usd, created_at
      FROM budget_alerts WHERE org_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
    args: [orgId, limit],
  });
  return res.rows.map((r) => ({
    id: String(r.id),
    orgId: String(r.org_id),
    budgetId: String(r.budget_id),
    periodStart: Number(r.period_start),
    kind: String(r.kind) as AlertKind,
    threshold: Number(r.threshold),
    spentUsd: Number(r.spent_usd),
    forecastUsd: Number(r.forecast_usd),
    amountUsd: Number(r.amount_usd),
    createdAt: Number(r.created_at),
  }));
}
