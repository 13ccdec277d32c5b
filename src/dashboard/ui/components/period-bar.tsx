/** The one period picker and the provider filter, both kept in the URL. */
import { presets } from "../period.ts";
import { setParams } from "../route.ts";
import { providerDisplay } from "../../../providers/display.ts";

/** From the provider registry: a new provider's file adds it here. */
export const providers = providerDisplay.map((p) => p.value);
export const providerNames: Record<string, string> = Object.fromEntries(providerDisplay.map((p) => [p.value, p.label]));

const local = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

export function PeriodBar(props: { params: URLSearchParams; provider?: boolean }) {
  const period = props.params.get("period") ?? "24h";
  const custom = period === "custom";
  return (
    <div class="toolbar" role="group" aria-label="Period and filters">
      <label>
        Period{" "}
        <select
          name="period"
          value={period}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setParams(v === "custom" ? { period: v, from: local(Date.now() - 86_400_000), to: local(Date.now()) } : { period: v, from: null, to: null });
          }}
        >
          {Object.entries(presets).map(([id, p]) => (
            <option value={id}>{p.label}</option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </label>
      {custom && (
        <>
          <label>
            From <input type="datetime-local" name="from" value={props.params.get("from") ?? ""} onChange={(e) => setParams({ from: e.currentTarget.value })} />
          </label>
          <label>
            To <input type="datetime-local" name="to" value={props.params.get("to") ?? ""} onChange={(e) => setParams({ to: e.currentTarget.value })} />
          </label>
        </>
      )}
      {props.provider !== false && (
        <label>
          Provider{" "}
          <select name="provider" value={props.params.get("provider") ?? ""} onChange={(e) => setParams({ provider: e.currentTarget.value })}>
            <option value="">All providers</option>
            {providers.map((p) => (
              <option value={p}>{providerNames[p]}</option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
