/** The org's time zone: the one its months are counted in (the overview's month to date and forecast). */
import { useState } from "preact/hooks";
import { explain, gql } from "../api.ts";
import { useQuery } from "../components/use-query.ts";
import { Failure, keyOf, scopeOf, type ViewProps } from "./common.tsx";
import { Outcome } from "./settings.tsx";

export function TimeZone({ params }: ViewProps) {
  const { orgId } = scopeOf(params);
  const q = useQuery(() => gql<{ org: { timeZone: string } }>(`query($org: ID) { org(orgId: $org) { timeZone } }`, { org: orgId }), keyOf(params, "zone"));
  const [zone, setZone] = useState<string>();
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  if (q.error) return <Failure error={q.error} />;
  if (!q.data) return <p class="muted">Loading…</p>;
  const value = zone ?? q.data.org.timeZone;
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await gql<{ setOrgTimeZone: { timeZone: string } }>(`mutation($tz: String, $org: ID) { setOrgTimeZone(timeZone: $tz, orgId: $org) { timeZone } }`, { tz: value.trim() || null, org: orgId });
      setMessage({ ok: true, text: `Months are now counted in ${r.setOrgTimeZone.timeZone}.` });
      q.reload();
    } catch (err) {
      setMessage({ ok: false, text: explain(err) });
    }
  };
  return (
    <form class="card form" onSubmit={save} aria-labelledby="zone-title">
      <h2 id="zone-title">Time zone</h2>
      <p class="muted small">The overview's month to date, last month and forecast follow the calendar months of this zone. Charts name the zone they are drawn in.</p>
      <label>
        IANA time zone (empty: UTC) <input name="timeZone" value={value} placeholder="Europe/Paris" onInput={(e) => setZone(e.currentTarget.value)} />
      </label>
      <Outcome message={message} />
      <div class="row">
        <button type="submit">Save</button>
        <button type="button" class="small" onClick={() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone)}>
          Use this browser's ({Intl.DateTimeFormat().resolvedOptions().timeZone})
        </button>
      </div>
    </form>
  );
}
