/** Events: the request log, a page at a time, with filters and a request-id search. */
import { useEffect, useState } from "preact/hooks";
import { gql } from "../api.ts";
import { PeriodBar } from "../components/period-bar.tsx";
import { useQuery } from "../components/use-query.ts";
import { setParams } from "../route.ts";
import { EventList, eventFields, type EventNode } from "./event-list.tsx";
import { Failure, keyOf, scopeOf, type ViewProps } from "./common.tsx";

const query = `query Events($first: Int!, $after: String, $f: EventFilter!, $org: ID) {
  events(first: $first, after: $after, filter: $f, orgId: $org) { edges { node { ${eventFields} } } pageInfo { hasNextPage endCursor } }
}`;
type Page = { events: { edges: { node: EventNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

/** The URL's event filters as GraphQL's EventFilter. */
function eventFilter(params: URLSearchParams) {
  const scope = scopeOf(params);
  const id = params.get("id")?.trim();
  // a request id is searched in every period: it names one request
  if (id) return { id };
  const status = Number(params.get("status"));
  return {
    from: scope.period.from,
    to: scope.period.to,
    provider: scope.provider,
    model: params.get("model") || null,
    feature: params.get("feature") || null,
    task: params.get("task") || null,
    keyId: params.get("key") || null,
    status: params.get("status") && Number.isInteger(status) ? status : null,
    errorsOnly: params.get("errors") === "1" || null,
  };
}

export function Events({ params }: ViewProps) {
  const scope = scopeOf(params);
  const [pages, setPages] = useState<Page["events"][]>([]);
  const load = (after: string | null) => gql<Page>(query, { first: 50, after, f: eventFilter(params), org: scope.orgId });
  const q = useQuery(() => load(null), keyOf(params));
  useEffect(() => setPages(q.data ? [q.data.events] : []), [q.data]);
  const more = async () => {
    const last = pages.at(-1);
    if (last?.pageInfo.endCursor) setPages([...pages, (await load(last.pageInfo.endCursor)).events]);
  };
  const text = (name: string, label: string) => (
    <label>
      {label}{" "}
      <input
        type="search"
        name={name}
        value={params.get(name) ?? ""}
        onChange={(e) => setParams({ [name]: e.currentTarget.value.trim() })}
      />
    </label>
  );
  return (
    <>
      <PeriodBar params={params} />
      <form class="toolbar" role="search" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
        {text("id", "x-lectr-request-id")}
        {text("model", "Model")}
        {text("feature", "Feature")}
        {text("task", "Task")}
        {text("status", "Status")}
        <label class="inline">
          <input type="checkbox" name="errors" checked={params.get("errors") === "1"} onChange={(e) => setParams({ errors: e.currentTarget.checked ? "1" : null })} /> Provider errors only
        </label>
        {params.get("key") && (
          <button type="button" class="small" onClick={() => setParams({ key: null })}>
            Key filter ×
          </button>
        )}
      </form>
      {q.error ? <Failure error={q.error} /> : null}
      <section class="card">
        <EventList name="events" caption="Events, newest first" events={pages.flatMap((p) => p.edges.map((e) => e.node))} />
        {pages.at(-1)?.pageInfo.hasNextPage && (
          <button type="button" onClick={more}>
            Load 50 more
          </button>
        )}
      </section>
    </>
  );
}
