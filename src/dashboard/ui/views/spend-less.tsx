/**
 * Spend less: recommendations, rolled out as routing rules at a chosen
 * percent; the rules in order, editable, with each one's routed vs control outcome.
 */
import { useState } from "preact/hooks";
import { explain, gql } from "../api.ts";
import { PeriodBar, providerNames } from "../components/period-bar.tsx";
import { Table } from "../components/table.tsx";
import { useQuery } from "../components/use-query.ts";
import { count, millis, money, percent } from "../format.ts";
import { Failure, keyOf, orNone, scopeOf, type ViewProps } from "./common.tsx";

interface Recommendation {
  provider: string;
  fromModel: string;
  toModel: string;
  tier: string;
  confidence: string;
  requests: number;
  currentCostUsd: number;
  projectedCostUsd: number;
  monthlySavingsUsd: number;
  projectedMonthlySavingsUsd: number | null;
  estimatedSavingsUsd: number;
  reason: string;
}
interface Unrecommended {
  provider: string;
  model: string;
  requests: number;
  costUsd: number;
  reason: string;
}
interface Rule {
  id: string;
  position: number;
  feature: string | null;
  task: string | null;
  model: string | null;
  provider: string | null;
  targetModel: string;
  targetProvider: string | null;
  percent: number;
  enabled: boolean;
}
interface Slice {
  requests: number;
  errorRate: number;
  costPerRequestUsd: number | null;
  avgLatencyMs: number | null;
}
const ruleFields = "id position feature task model provider targetModel targetProvider percent enabled";
const query = `query SpendLess($p: PeriodInput!, $provider: Provider, $org: ID) {
  recommendations(period: $p, provider: $provider, orgId: $org) { provider fromModel toModel tier confidence requests currentCostUsd projectedCostUsd estimatedSavingsUsd monthlySavingsUsd projectedMonthlySavingsUsd reason }
  unrecommendedModels(period: $p, provider: $provider, limit: 5, orgId: $org) { provider model requests costUsd reason }
  routingRules(orgId: $org) { ${ruleFields} }
}`;
/** Stats for up to 8 rules in one request (each is a root field; the API bounds an operation's cost). */
const statsQuery = (ids: string[]) =>
  `query RuleStats($p: PeriodInput!) { ${ids
    .map((id, i) => `r${i}: routingRuleStats(id: ${JSON.stringify(id)}, period: $p) { routed { requests errorRate costPerRequestUsd avgLatencyMs } control { requests errorRate costPerRequestUsd avgLatencyMs } }`)
    .join(" ")} }`;

export function SpendLess({ params }: ViewProps) {
  const scope = scopeOf(params);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const q = useQuery(() => gql<{ recommendations: Recommendation[]; unrecommendedModels: Unrecommended[]; routingRules: Rule[] }>(query, { p: scope.period, provider: scope.provider, org: scope.orgId }), keyOf(params));
  const rules = q.data?.routingRules ?? [];
  const shownStats = rules.slice(0, 8).map((r) => r.id);
  const stats = useQuery(
    () => (shownStats.length ? gql<Record<string, { routed: Slice; control: Slice }>>(statsQuery(shownStats), { p: scope.period }) : Promise.resolve<Record<string, { routed: Slice; control: Slice }>>({})),
    keyOf(params, shownStats),
  );
  const act = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
      setMessage({ ok: true, text: what });
      q.reload();
    } catch (err) {
      setMessage({ ok: false, text: explain(err) });
    }
  };
  const rollOut = (r: Recommendation, pct: number) =>
    act(`Rolled out: ${pct}% of ${r.fromModel} now goes to ${r.toModel}.`, () =>
      gql(`mutation($from: String!, $to: String!, $pct: Int, $org: ID) { applyRecommendation(fromModel: $from, toModel: $to, percent: $pct, orgId: $org) { id } }`, {
        from: r.fromModel,
        to: r.toModel,
        pct,
        org: scope.orgId,
      }),
    );
  const move = (i: number, by: number) => {
    const ids = rules.map((r) => r.id);
    const [id] = ids.splice(i, 1);
    ids.splice(i + by, 0, id!);
    return act("Rules reordered.", () => gql(`mutation($ids: [ID!]!, $org: ID) { reorderRoutingRules(ids: $ids, orgId: $org) { id } }`, { ids, org: scope.orgId }));
  };
  const slice = (s: Slice | undefined) => (s ? `${count(s.requests)} req · ${money(s.costPerRequestUsd)}/req · ${millis(s.avgLatencyMs)} · ${percent(s.errorRate)} errors` : "—");
  return (
    <>
      <PeriodBar params={params} />
      {message && (
        <p class={message.ok ? "notice" : "error"} role={message.ok ? "status" : "alert"}>
          {message.text}
        </p>
      )}
      {q.error ? <Failure error={q.error} /> : null}
      <section class="card">
        <h2>Recommendations</h2>
        {q.data && q.data.recommendations.length === 0 && <p class="muted">No cheaper model fits your traffic in this period.</p>}
        {q.data && <TopSpender recommendations={q.data.recommendations} without={q.data.unrecommendedModels} />}
        <div class="recs">
          {q.data?.recommendations.map((r) => <RecommendationCard key={`${r.fromModel}>${r.toModel}`} r={r} rule={rules.find((x) => x.model === r.fromModel && x.targetModel === r.toModel)} onRollOut={(pct) => rollOut(r, pct)} />)}
        </div>
        {q.data && q.data.unrecommendedModels.length > 0 && (
          <Table
            name="unrecommended"
            caption="Costliest models without a recommendation, and why"
            rows={q.data.unrecommendedModels}
            columns={[
              { label: "Model", value: (u) => u.model },
              { label: "Provider", value: (u) => providerNames[u.provider] ?? u.provider },
              { label: "Spend", value: (u) => u.costUsd, text: (u) => money(u.costUsd), numeric: true },
              { label: "Why not", value: (u) => u.reason },
            ]}
          />
        )}
      </section>
      <section class="card">
        <Table
          name="rules"
          caption="Routing rules, in the order they apply"
          rows={rules}
          empty="No routing rules yet. Roll out a recommendation to add one."
          columns={[
            { label: "#", value: (r) => r.position + 1, numeric: true },
            { label: "Matches", value: (r) => [r.feature && `feature ${r.feature}`, r.task && `task ${r.task}`, r.model && `model ${r.model}`, r.provider && providerNames[r.provider]].filter(Boolean).join(", ") || "—" },
            { label: "Sends to", value: (r) => `${r.targetModel}${r.targetProvider ? ` (${providerNames[r.targetProvider]})` : ""}` },
            { label: "Percent", value: (r) => r.percent, text: (r) => `${r.percent}%`, numeric: true },
            { label: "Enabled", value: (r) => (r.enabled ? "yes" : "no") },
            { label: "Routed", value: (r) => slice(stats.data?.[`r${shownStats.indexOf(r.id)}`]?.routed) },
            { label: "Control", value: (r) => slice(stats.data?.[`r${shownStats.indexOf(r.id)}`]?.control) },
          ]}
        />
        {rules.length > 0 && (
          <ol class="rule-edit" aria-label="Edit rules">
            {rules.map((r, i) => (
              <RuleEditor
                key={r.id}
                rule={r}
                first={i === 0}
                last={i === rules.length - 1}
                onMove={(by) => move(i, by)}
                onSave={(percent, enabled, targetModel) =>
                  act("Rule saved.", () => gql(`mutation($id: ID!, $in: RoutingRuleInput!) { updateRoutingRule(id: $id, input: $in) { id } }`, { id: r.id, in: { percent, enabled, targetModel } }))
                }
                onDelete={() => act("Rule deleted.", () => gql(`mutation($id: ID!) { deleteRoutingRule(id: $id) }`, { id: r.id }))}
              />
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

/** The costliest model gets a word either way: its recommendation is listed, or here is why there is none. */
function TopSpender(props: { recommendations: Recommendation[]; without: Unrecommended[] }) {
  const top = props.without[0];
  const costliestRecommended = Math.max(0, ...props.recommendations.map((r) => r.currentCostUsd));
  if (!top || top.costUsd <= costliestRecommended) return null;
  return (
    <p class="notice" data-top-spender={top.model}>
      Your top spender, <strong>{top.model}</strong> ({money(top.costUsd)}), has no recommendation: {top.reason}
    </p>
  );
}

function RecommendationCard(props: { r: Recommendation; rule: Rule | undefined; onRollOut: (percent: number) => void }) {
  const { r } = props;
  const [pct, setPct] = useState(10);
  return (
    <article class="rec" data-rec={`${r.fromModel}->${r.toModel}`}>
      <h3>
        {r.fromModel} → {r.toModel}
      </h3>
      <p class="rec-saving">
        {r.projectedMonthlySavingsUsd == null ? (
          <>
            Saves <strong>{money(r.estimatedSavingsUsd)}</strong> in this period <span class="muted small">(a month is projected from 7 days or more)</span>
          </>
        ) : (
          <>
            Save about <strong>{money(r.projectedMonthlySavingsUsd)}</strong> a month
          </>
        )}
      </p>
      <p class="muted small">
        {providerNames[r.provider]} · {r.tier.toLowerCase()} step · {r.confidence === "HIGH" ? "high confidence" : "heuristic"} · {count(r.requests)} requests, {money(r.currentCostUsd)} → {money(r.projectedCostUsd)}
      </p>
      <p class="small">{r.reason}</p>
      {props.rule && (
        <p class="small notice">
          Rolled out: rule {props.rule.position + 1} sends {props.rule.percent}% of it{props.rule.enabled ? "" : " (disabled)"}.
        </p>
      )}
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          props.onRollOut(pct);
        }}
      >
        <label>
          Share of {r.fromModel} traffic
          <span class="pct">
            <input type="number" name="percent" min={1} max={100} value={pct} onInput={(e) => setPct(Number(e.currentTarget.value))} /> %
          </span>
        </label>
        <button type="submit">Roll out</button>
      </form>
    </article>
  );
}

function RuleEditor(props: { rule: Rule; first: boolean; last: boolean; onMove: (by: number) => void; onSave: (percent: number, enabled: boolean, target: string) => void; onDelete: () => void }) {
  const r = props.rule;
  const [pct, setPct] = useState(r.percent);
  const [enabled, setEnabled] = useState(r.enabled);
  const [target, setTarget] = useState(r.targetModel);
  const name = `rule ${r.position + 1} (${orNone(r.model ?? r.feature ?? r.task)} → ${r.targetModel})`;
  return (
    <li class="inline-form" data-rule={r.id}>
      <span class="rule-name">{name}</span>
      <label>
        Target <input name="target" value={target} onInput={(e) => setTarget(e.currentTarget.value)} />
      </label>
      <label>
        Percent <input type="number" name="percent" min={1} max={100} value={pct} onInput={(e) => setPct(Number(e.currentTarget.value))} />
      </label>
      <label class="inline">
        <input type="checkbox" name="enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} /> enabled
      </label>
      <button type="button" class="small" onClick={() => props.onSave(pct, enabled, target)} aria-label={`Save ${name}`}>
        Save
      </button>
      <button type="button" class="small" disabled={props.first} onClick={() => props.onMove(-1)} aria-label={`Move ${name} up`}>
        ↑
      </button>
      <button type="button" class="small" disabled={props.last} onClick={() => props.onMove(1)} aria-label={`Move ${name} down`}>
        ↓
      </button>
      <button type="button" class="small danger" onClick={props.onDelete} aria-label={`Delete ${name}`}>
        Delete
      </button>
    </li>
  );
}
