/**
 * Explore: spend and traffic grouped by one or two dimensions, the long tail
 * folded into "other"; each group opens its events.
 */
import { gql } from "../api.ts";
import { PeriodBar, providerNames } from "../components/period-bar.tsx";
import { Table, type Column } from "../components/table.tsx";
import { useQuery } from "../components/use-query.ts";
import { count, money, percent } from "../format.ts";
import { href, setParams } from "../route.ts";
import { Failure, keyOf, scopeOf, type ViewProps } from "./common.tsx";

const dimensions = { PROVIDER: "Provider", MODEL: "Model", FEATURE: "Feature", TASK: "Task", KEY: "Key", STATUS: "Status" } as const;
type Dimension = keyof typeof dimensions;
/** The events view's URL parameter each dimension filters with. */
const filterParam: Record<Dimension, string> = { PROVIDER: "provider", MODEL: "model", FEATURE: "feature", TASK: "task", KEY: "key", STATUS: "status" };

interface Group {
  keys: (string | null)[];
  labels: (string | null)[];
  requests: number;
  errors: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  errorRate: number;
  other?: boolean;
  total?: boolean;
}
const fields = "keys labels requests errors errorRate costUsd inputTokens outputTokens";
const query = `query Explore($p: PeriodInput!, $by: [UsageDimension!]!, $f: EventFilter, $org: ID) {
  usageGroups(period: $p, by: $by, filter: $f, limit: 15, orgId: $org) { groups { ${fields} } other { ${fields} } total { ${fields} } }
}`;

const isDimension = (v: string | null): v is Dimension => v !== null && v in dimensions;

export function Explore({ params }: ViewProps) {
  const scope = scopeOf(params);
  const by1: Dimension = isDimension(params.get("by")) ? (params.get("by") as Dimension) : "MODEL";
  const by2raw = params.get("by2");
  const by2 = isDimension(by2raw) && by2raw !== by1 ? by2raw : null;
  const by = by2 ? [by1, by2] : [by1];
  const q = useQuery(
    () => gql<{ usageGroups: { groups: Group[]; other: Group | null; total: Group } }>(query, { p: scope.period, by, f: scope.provider ? { provider: scope.provider } : null, org: scope.orgId }),
    keyOf(params),
  );
  const label = (d: Dimension, g: Group, i: number) => {
    if (g.total) return i === 0 ? "Total" : "";
    if (g.other) return "other";
    const v = g.labels[i];
    if (v == null) return "(none)";
    return d === "PROVIDER" ? (providerNames[v] ?? v) : v;
  };
  // the events of one group: its own keys, plus the page's period and provider
  const eventsOf = (g: Group) => {
    if (g.other || g.total || g.keys.some((k) => k === null)) return null;
    const p: Record<string, string | null> = { period: params.get("period"), from: params.get("from"), to: params.get("to"), provider: scope.provider };
    by.forEach((d, i) => (p[filterParam[d]] = g.keys[i]!));
    return { href: href("events", p) };
  };
  const columns: Column<Group>[] = [
    ...by.map((d, i): Column<Group> => ({ label: dimensions[d], value: (g) => label(d, g, i), action: eventsOf })),
    // one link per row, on what the row is: numbers read as numbers
    { label: "Requests", value: (g) => g.requests, text: (g) => count(g.requests), numeric: true },
    { label: "Spend", value: (g) => g.costUsd, text: (g) => money(g.costUsd), numeric: true },
    { label: "Input tokens", value: (g) => g.inputTokens, text: (g) => count(g.inputTokens), numeric: true },
    { label: "Output tokens", value: (g) => g.outputTokens, text: (g) => count(g.outputTokens), numeric: true },
    { label: "Errors", value: (g) => g.errors, text: (g) => `${count(g.errors)} (${percent(g.errorRate)})`, numeric: true },
  ];
  const picker = (name: "by" | "by2", value: Dimension | null, allowNone: boolean) => (
    <label>
      {name === "by" ? "Group by" : "then by"}{" "}
      <select name={name} value={value ?? ""} onChange={(e) => setParams({ [name]: e.currentTarget.value })}>
        {allowNone && <option value="">—</option>}
        {(Object.keys(dimensions) as Dimension[]).map((d) => (
          <option value={d} disabled={name === "by2" && d === by1}>
            {dimensions[d]}
          </option>
        ))}
      </select>
    </label>
  );
  const data = q.data?.usageGroups;
  const rows = data ? [...data.groups, ...(data.other ? [{ ...data.other, other: true }] : [])] : [];
  return (
    <>
      <PeriodBar params={params} />
      <div class="toolbar" role="group" aria-label="Grouping">
        {picker("by", by1, false)}
        {picker("by2", by2, true)}
      </div>
      {q.error ? <Failure error={q.error} /> : null}
      {data && (
        <section class="card">
          <Table
            name="explore"
            caption={`By ${by.map((d) => dimensions[d].toLowerCase()).join(" and ")}`}
            rows={rows}
            columns={columns}
            footer={data.groups.length ? { ...data.total, total: true } : undefined}
          />
          <p class="muted small">Select a group to see its events. The last row is the total; groups past the 15 costliest are summed as “other”.</p>
        </section>
      )}
    </>
  );
}
