/**
 * Gauges of the last 7 settled days: `lectr_reconcile_unseen_usd{provider}` and
 * `lectr_reconcile_drift_usd{provider}` summed over orgs (always shown), and the
 * same per org (`lectr_org_reconcile_*{org_id,provider}`) for the per-org registry,
 * which /metrics shows only behind LECTR_METRICS_TOKEN (src/observe/status.ts).
 */
import type { Metric } from "../observe/prometheus.ts";
import type { ReconcileControl } from "./control.ts";

type Row = { labels: string; value: number };

function gauge(name: string, help: string, rows: Row[]): string {
  const lines = rows.map((r) => `${name}{${r.labels}} ${Number.isFinite(r.value) ? Math.round(r.value * 1e6) / 1e6 : 0}`);
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${lines.join("\n")}${lines.length ? "\n" : ""}`;
}

const unseenHelp = "Spend the provider reports that Lectr never recorded, over the last 7 settled days, US dollars.";
const driftHelp = "Provider's billed amount minus Lectr's prices on the provider's own tokens, over the last 7 settled days, US dollars.";

export function reconcileGauges(read: ReconcileControl["gauges"]): Metric {
  return {
    render() {
      const byProvider = new Map<string, { unseen: number; drift: number }>();
      for (const g of read()) {
        const t = byProvider.get(g.provider) ?? { unseen: 0, drift: 0 };
        t.unseen += g.unseenUsd;
        t.drift += g.driftUsd;
        byProvider.set(g.provider, t);
      }
      const rows = [...byProvider];
      return (
        gauge("lectr_reconcile_unseen_usd", unseenHelp, rows.map(([p, t]) => ({ labels: `provider="${p}"`, value: t.unseen }))) +
        gauge("lectr_reconcile_drift_usd", driftHelp, rows.map(([p, t]) => ({ labels: `provider="${p}"`, value: t.drift })))
      );
    },
  };
}

export function orgReconcileGauges(read: ReconcileControl["gauges"]): Metric {
  return {
    render() {
      const rows = read();
      return (
        gauge("lectr_org_reconcile_unseen_usd", unseenHelp, rows.map((g) => ({ labels: `org_id="${g.orgId}",provider="${g.provider}"`, value: g.unseenUsd }))) +
        gauge("lectr_org_reconcile_drift_usd", driftHelp, rows.map((g) => ({ labels: `org_id="${g.orgId}",provider="${g.provider}"`, value: g.driftUsd })))
      );
    },
  };
}
