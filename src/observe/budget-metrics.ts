/**
 * `lectr_budget_utilisation_ratio{budget="<id>"}`: recorded spend over the
 * amount, per budget, for the current period; and
 * `lectr_rate_limit_utilisation_ratio{limit="<id>"}`: this replica's requests
 * in the current minute over the limit. Ids are created by org admins (at
 * most 100 budgets and 100 limits per org) and each series is cut at
 * `maxSeries`, so the label count stays bounded.
 */
import type { Metric } from "./prometheus.ts";

export const maxSeries = 1_000;

type Ratios = { id: string; ratio: number }[];

export function budgetUtilisation(read: () => { budgets: Ratios; limits: Ratios }): Metric {
  const gauge = (name: string, label: string, help: string, rows: Ratios) => {
    const lines = rows.slice(0, maxSeries).map((r) => `${name}{${label}="${r.id}"} ${Number.isFinite(r.ratio) ? r.ratio : 0}`);
    return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${lines.join("\n")}${lines.length ? "\n" : ""}`;
  };
  return {
    render() {
      const { budgets, limits } = read();
      return (
        gauge("lectr_budget_utilisation_ratio", "budget", "Recorded spend of the budget's current period over its amount.", budgets) +
        gauge("lectr_rate_limit_utilisation_ratio", "limit", "Requests this replica admitted in the current minute over the limit.", limits)
      );
    },
  };
}
