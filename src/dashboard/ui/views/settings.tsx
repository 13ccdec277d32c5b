/** Settings: Azure OpenAI, org keys, prices, the org's time zone. */
import { useState } from "preact/hooks";
import { explain, gql } from "../api.ts";
import { providerNames, providers } from "../components/period-bar.tsx";
import { Table } from "../components/table.tsx";
import { useQuery } from "../components/use-query.ts";
import { count, money, moneyDelta, time } from "../format.ts";
import { href, withParams } from "../route.ts";
import { Failure, keyOf, scopeOf, type ViewProps } from "./common.tsx";
import { Keys } from "./settings-keys.tsx";
import { TimeZone } from "./settings-zone.tsx";

const tabs = { azure: "Providers → Azure", keys: "Keys", prices: "Prices", zone: "Time zone" } as const;
type Tab = keyof typeof tabs;

export function Settings({ params }: ViewProps) {
  const tab: Tab = (params.get("tab") as Tab) in tabs ? (params.get("tab") as Tab) : "azure";
  return (
    <>
      <nav class="tabs" aria-label="Settings">
        {(Object.keys(tabs) as Tab[]).map((t) => (
          <a href={href("settings", withParams({ tab: t }))} aria-current={t === tab ? "page" : undefined}>
            {tabs[t]}
          </a>
        ))}
      </nav>
      {tab === "azure" && <Azure params={params} />}
      {tab === "keys" && <Keys params={params} />}
      {tab === "prices" && <Prices params={params} />}
      {tab === "zone" && <TimeZone params={params} />}
    </>
  );
}

export function Outcome(props: { message?: { ok: boolean; text: string } }) {
  if (!props.message) return null;
  return (
    <p class={props.message.ok ? "notice" : "error"} role={props.message.ok ? "status" : "alert"}>
      {props.message.text}
    </p>
  );
}

type AzureData = { settings: { azure: { endpoint: string; apiVersion: string; deployments: { deployment: string; model: string }[] } | null } };

function Azure({ params }: ViewProps) {
  const { orgId } = scopeOf(params);
  const q = useQuery(() => gql<AzureData>(`query($org: ID) { settings(orgId: $org) { azure { endpoint apiVersion deployments { deployment model } } } }`, { org: orgId }), keyOf(params, "azure"));
  if (q.error) return <Failure error={q.error} />;
  if (!q.data) return <p class="muted">Loading…</p>;
  return <AzureForm key={JSON.stringify(q.data)} data={q.data} orgId={orgId} onSaved={q.reload} />;
}

function AzureForm(props: { data: AzureData; orgId: string | null; onSaved: () => void }) {
  const a = props.data.settings.azure;
  const [endpoint, setEndpoint] = useState(a?.endpoint ?? "");
  const [apiVersion, setApiVersion] = useState(a?.apiVersion ?? "2024-10-21");
  const [map, setMap] = useState((a?.deployments ?? []).map((d) => `${d.deployment} = ${d.model}`).join("\n"));
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const save = async (e: Event) => {
    e.preventDefault();
    const lines = map.split("\n").map((l) => l.trim()).filter(Boolean);
    const bad = lines.find((l) => !/^[^=]+=[^=]+$/.test(l));
    if (bad) return setMessage({ ok: false, text: `“${bad}” is not “deployment = model”.` });
    const deployments = lines.map((l) => {
      const [deployment, model] = l.split("=").map((x) => x.trim());
      return { deployment: deployment!, model: model! };
    });
    try {
      await gql(`mutation($e: String!, $v: String!, $d: [AzureDeploymentInput!], $org: ID) { setAzureSettings(endpoint: $e, apiVersion: $v, deployments: $d, orgId: $org) { azure { endpoint } } }`, {
        e: endpoint.trim(),
        v: apiVersion.trim(),
        d: deployments,
        org: props.orgId,
      });
      setMessage({ ok: true, text: "Saved. Azure requests use it from now on." });
    } catch (err) {
      setMessage({ ok: false, text: explain(err) });
    }
  };
  const clear = async () => {
    try {
      await gql(`mutation($org: ID) { clearAzureSettings(orgId: $org) { azure { endpoint } } }`, { org: props.orgId });
      props.onSaved();
    } catch (err) {
      setMessage({ ok: false, text: explain(err) });
    }
  };
  return (
    <form class="card form" onSubmit={save} aria-labelledby="azure-title">
      <h2 id="azure-title">Azure OpenAI</h2>
      <p class="muted small">Requests sent with X-Lectr-Provider: azure (or to a deployment name) go to this endpoint, with your Azure key passed on as api-key.</p>
      <label>
        Endpoint <input name="endpoint" type="url" required placeholder="https://my-resource.openai.azure.com" value={endpoint} onInput={(e) => setEndpoint(e.currentTarget.value)} />
      </label>
      <label>
        API version <input name="apiVersion" required value={apiVersion} onInput={(e) => setApiVersion(e.currentTarget.value)} />
      </label>
      <label>
        Deployments, one “deployment = model” a line (prices calls whose response names no model)
        <textarea name="deployments" rows={4} value={map} onInput={(e) => setMap(e.currentTarget.value)} />
      </label>
      <Outcome message={message} />
      <div class="row">
        <button type="submit">Save</button>
        {a && (
          <button type="button" class="danger" onClick={clear}>
            Turn Azure off
          </button>
        )}
      </div>
    </form>
  );
}

/** How far back a new price re-costs recorded calls; 400 days is the longest period the API takes. */
const recostChoices = [
  { days: 1, label: "24 hours" },
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 400, label: "400 days" },
];
const recostPeriod = (days: number) => {
  const to = Date.now();
  return { from: new Date(to - days * 86_400_000).toISOString(), to: new Date(to).toISOString() };
};

type PriceData = {
  unpricedModels: { model: string; provider: string; requests: number; inputTokens: number; outputTokens: number }[];
  modelPrices: { id: string; provider: string; model: string; effectiveFrom: string; inputPerMTok: number; cachedInputPerMTok: number | null; outputPerMTok: number; inEffect: boolean }[];
};

function Prices({ params }: ViewProps) {
  const scope = scopeOf(params);
  const q = useQuery(
    () =>
      gql<PriceData>(
        `query($p: PeriodInput!, $org: ID) { unpricedModels(period: $p, orgId: $org) { model provider requests inputTokens outputTokens } modelPrices(orgId: $org) { id provider model effectiveFrom inputPerMTok cachedInputPerMTok outputPerMTok inEffect } }`,
        { p: scope.period, org: scope.orgId },
      ),
    keyOf(params, "prices"),
  );
  const [form, setForm] = useState({ model: "", provider: "OPENAI", input: "", cached: "", output: "", recostDays: "90" });
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const done = await gql(
        `mutation($m: String!, $p: Provider!, $i: Float!, $c: Float, $o: Float!, $org: ID, $period: PeriodInput!) {
          setModelPrice(model: $m, provider: $p, inputPerMTok: $i, cachedInputPerMTok: $c, outputPerMTok: $o, effectiveFrom: "1970-01-01", orgId: $org) { id }
          recostEvents(period: $period, model: $m, orgId: $org) { eventsChecked eventsChanged deltaUsd }
        }`,
        { m: form.model.trim(), p: form.provider, i: Number(form.input), c: form.cached === "" ? null : Number(form.cached), o: Number(form.output), org: scope.orgId, period: recostPeriod(Number(form.recostDays)) },
      );
      const r = (done as { recostEvents: { eventsChecked: number; eventsChanged: number; deltaUsd: number } }).recostEvents;
      const days = recostChoices.find((c) => String(c.days) === form.recostDays)?.label ?? `${form.recostDays} days`;
      setMessage({ ok: true, text: `Priced ${form.model.trim()}: ${count(r.eventsChanged)} of its ${count(r.eventsChecked)} calls in the last ${days} re-costed (${moneyDelta(r.deltaUsd, 0)}).` });
      q.reload();
    } catch (err) {
      setMessage({ ok: false, text: explain(err) });
    }
  };
  const field = (k: keyof typeof form, label: string) =>
    k === "model" ? (
      <label>
        {label} <input name={k} required value={form[k]} onInput={(e) => setForm({ ...form, [k]: e.currentTarget.value })} />
      </label>
    ) : (
      <label>
        {label} <input name={k} type="number" step="any" min={0} required={k !== "cached"} value={form[k]} onInput={(e) => setForm({ ...form, [k]: e.currentTarget.value })} />
      </label>
    );
  if (q.error) return <Failure error={q.error} />;
  return (
    <>
      <section class="card">
        <Table
          name="unpriced"
          caption="Unpriced models in this period"
          rows={q.data?.unpricedModels ?? []}
          empty="Every call in this period has a price."
          columns={[
            { label: "Model", value: (u) => u.model, action: (u) => ({ onClick: () => setForm({ ...form, model: u.model, provider: u.provider }) }) },
            { label: "Provider", value: (u) => providerNames[u.provider] ?? u.provider },
            { label: "Requests", value: (u) => u.requests, text: (u) => count(u.requests), numeric: true },
            { label: "Input tokens", value: (u) => u.inputTokens, text: (u) => count(u.inputTokens), numeric: true },
            { label: "Output tokens", value: (u) => u.outputTokens, text: (u) => count(u.outputTokens), numeric: true },
          ]}
        />
      </section>
      <form class="card form" onSubmit={save} aria-labelledby="price-title">
        <h2 id="price-title">Set a price (USD per 1M tokens)</h2>
        <p class="muted small">Applies to every call of the model from now on, and re-costs its recorded calls over the span you choose (up to 400 days, the longest a period can be).</p>
        {field("model", "Model")}
        <label>
          Provider{" "}
          <select name="provider" value={form.provider} onChange={(e) => setForm({ ...form, provider: e.currentTarget.value })}>
            {providers.map((p) => (
              <option value={p}>{providerNames[p]}</option>
            ))}
          </select>
        </label>
        {field("input", "Input")}
        {field("cached", "Cached input (optional)")}
        {field("output", "Output")}
        <label>
          Re-cost its calls of the last{" "}
          <select name="recostDays" value={form.recostDays} onChange={(e) => setForm({ ...form, recostDays: e.currentTarget.value })}>
            {recostChoices.map((c) => (
              <option value={String(c.days)}>{c.label}</option>
            ))}
          </select>
        </label>
        <Outcome message={message} />
        <button type="submit">Save price</button>
      </form>
      <section class="card">
        <Table
          name="prices"
          caption="Your own prices"
          rows={q.data?.modelPrices ?? []}
          empty="No prices of your own: the built-in registry prices every call."
          columns={[
            { label: "Model", value: (p) => p.model },
            { label: "Provider", value: (p) => providerNames[p.provider] ?? p.provider },
            { label: "From", value: (p) => p.effectiveFrom, text: (p) => (Date.parse(p.effectiveFrom) <= 0 ? "always" : time(p.effectiveFrom)) },
            { label: "Input", value: (p) => p.inputPerMTok, text: (p) => money(p.inputPerMTok), numeric: true },
            { label: "Cached input", value: (p) => p.cachedInputPerMTok, text: (p) => money(p.cachedInputPerMTok), numeric: true },
            { label: "Output", value: (p) => p.outputPerMTok, text: (p) => money(p.outputPerMTok), numeric: true },
            { label: "In effect", value: (p) => (p.inEffect ? "yes" : "no") },
          ]}
        />
      </section>
    </>
  );
}
