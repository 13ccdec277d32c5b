/**
 * `lectr_budget_utilisation_ratio{budget="<id>"}`: recorded spend over the
 * amount, per budget, for the current period. Budget ids are created by org
 * admins (at most 100 per org), and the series is cut at `maxSeries`, so
 * the label count stays bounded.
 */
import type { Metric } from "./metrics.ts";

export const maxSeries = 1_000;

export function budgetUtilisation(read: () => { id: string; ratio: number }[]): Metric {
  const name = "lectr_budget_utilisation_ratio";
  return {
    render() {
      const rows = read().slice(0, maxSeries);
      const lines = rows.map((r) => `${name}{budget="${r.id}"} ${Number.isFinite(r.ratio) ? r.ratio : 0}`);
      return `# HELP ${name} Recorded spend of the budget's current period over its amount.\n# TYPE ${name} gauge\n${lines.join("\n")}${lines.length ? "\n" : ""}`;
    },
  };
}
