/** The new-budget form: amount, period and its time zone, alert thresholds, what happens at 100 %, and what it counts (feature, task, key, provider, model). */
import { useState } from "preact/hooks";
import { explain, gql } from "../api.ts";
import { providerNames, providers } from "../components/period-bar.tsx";
import { Outcome } from "./settings.tsx";

export interface KeyChoice {
  id: string;
  name: string | null;
  prefix: string;
  revokedAt: string | null;
}

/** A key as people know it: its name, or its prefix until named. */
export const keyLabel = (keys: readonly KeyChoice[], id: string) => {
  const k = keys.find((x) => x.id === id);
  return k ? (k.name ?? `${k.prefix}…`) : id;
};

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

export function NewBudget(props: { orgId: string | null; keys: KeyChoice[]; onSaved: () => void }) {
  const [form, setForm] = useState({ name: "", amount: "", period: "MONTH", action: "ALERT", feature: "", task: "", keyId: "", provider: "", model: "", timeZone: browserZone(), thresholds: "50, 80, 100" });
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const save = async (e: Event) => {
    e.preventDefault();
    const amountUsd = Number(form.amount);
    if (!(amountUsd > 0)) return setMessage({ ok: false, text: "The amount must be a number of dollars above 0." });
    const thresholds = form.thresholds.split(/[\s,]+/).filter(Boolean).map(Number);
    if (thresholds.some((t) => !Number.isInteger(t))) return setMessage({ ok: false, text: "Thresholds are whole percents, e.g. 50, 80, 100." });
    try {
      const orNull = (v: string) => v.trim() || null;
      const input = {
        name: form.name.trim(),
        amountUsd,
        period: form.period,
        action: form.action,
        timeZone: orNull(form.timeZone),
        thresholds: thresholds.length ? thresholds : null,
        feature: orNull(form.feature),
        task: orNull(form.task),
        keyId: orNull(form.keyId),
        provider: orNull(form.provider),
        model: orNull(form.model),
      };
      await gql(`mutation($i: BudgetInput!, $org: ID) { createBudget(input: $i, orgId: $org) { id } }`, { i: input, org: props.orgId });
      setMessage({ ok: true, text: `Budget “${input.name}” created.` });
      setForm({ ...form, name: "", amount: "" });
      props.onSaved();
    } catch (err) {
      setMessage({ ok: false, text: explain(err) });
    }
  };
  return (
    <form class="card form" onSubmit={save} aria-labelledby="new-budget-title">
      <h2 id="new-budget-title">New budget</h2>
      <label>
        Name <input name="name" required value={form.name} onInput={set("name")} />
      </label>
      <label>
        Amount (USD) <input name="amount" required inputMode="decimal" value={form.amount} onInput={set("amount")} />
      </label>
      <div class="row">
        <label>
          Period
          <select name="period" value={form.period} onChange={set("period")}>
            <option value="DAY">Day</option>
            <option value="WEEK">Week</option>
            <option value="MONTH">Month</option>
          </select>
        </label>
        <label>
          Time zone of its days (IANA) <input name="timeZone" value={form.timeZone} onInput={set("timeZone")} />
        </label>
      </div>
      <div class="row">
        <label>
          Alert at (% of the amount) <input name="thresholds" value={form.thresholds} onInput={set("thresholds")} />
        </label>
        <label>
          At 100 %
          <select name="action" value={form.action} onChange={set("action")}>
            <option value="ALERT">Alert only</option>
            <option value="BLOCK">Block requests</option>
          </select>
        </label>
      </div>
      <fieldset>
        <legend>What it counts (all optional; none: the whole org)</legend>
        <label>
          Key
          <select name="keyId" value={form.keyId} onChange={set("keyId")}>
            <option value="">Any key</option>
            {props.keys
              .filter((k) => !k.revokedAt)
              .map((k) => (
                <option value={k.id}>{keyLabel(props.keys, k.id)}</option>
              ))}
          </select>
        </label>
        <label>
          Provider
          <select name="provider" value={form.provider} onChange={set("provider")}>
            <option value="">Any provider</option>
            {providers.map((p) => (
              <option value={p}>{providerNames[p]}</option>
            ))}
          </select>
        </label>
        <label>
          Feature <input name="feature" value={form.feature} onInput={set("feature")} />
        </label>
        <label>
          Task <input name="task" value={form.task} onInput={set("task")} />
        </label>
        <label>
          Model, exact or a prefix ending in * <input name="model" value={form.model} onInput={set("model")} />
        </label>
      </fieldset>
      <Outcome message={message} />
      <div class="row">
        <button type="submit">Create</button>
      </div>
    </form>
  );
}
