/** A list of events with a drawer that shows every recorded column of the one opened. */
import { useEffect, useRef, useState } from "preact/hooks";
import { providerNames } from "../components/period-bar.tsx";
import { Table } from "../components/table.tsx";
import { count, millis, money, time } from "../format.ts";
import { orNone } from "./common.tsx";

export const eventFields =
  "id createdAt provider providerSource providerUnknown model responseModel endpoint streamed status errorCode latencyMs ttfbMs inputTokens outputTokens cachedInputTokens reasoningTokens cacheWriteTokens cacheWrite1hTokens costUsd costSource priceKnown feature task keyId upstreamRequestId routingRuleId routedFromModel routingSkipped billedUnits priceBasis usageClaim";

export type EventNode = Record<string, string | number | boolean | null> & {
  id: string;
  createdAt: string;
  provider: string;
  model: string;
  status: number;
  latencyMs: number;
  costUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  feature: string | null;
  task: string | null;
  errorCode: string | null;
};

export function EventList(props: { name: string; caption: string; events: EventNode[] }) {
  const [open, setOpen] = useState<EventNode>();
  return (
    <>
      <Table
        name={props.name}
        caption={props.caption}
        rows={props.events}
        empty="No events match."
        columns={[
          { label: "Time", value: (e) => e.createdAt, text: (e) => time(e.createdAt), action: (e) => ({ onClick: () => setOpen(e) }) },
          { label: "Provider", value: (e) => providerNames[e.provider] ?? e.provider },
          { label: "Model", value: (e) => e.model },
          { label: "Status", value: (e) => e.status, text: (e) => (e.errorCode ? `${e.status} ${e.errorCode}` : String(e.status)), numeric: true },
          { label: "Latency", value: (e) => e.latencyMs, text: (e) => millis(e.latencyMs), numeric: true },
          { label: "Tokens in/out", value: (e) => (e.inputTokens ?? 0) + (e.outputTokens ?? 0), text: (e) => `${count(e.inputTokens)} / ${count(e.outputTokens)}`, numeric: true },
          { label: "Cost", value: (e) => e.costUsd, text: (e) => (e.costUsd == null ? "unknown" : money(e.costUsd)), numeric: true },
          { label: "Feature", value: (e) => orNone(e.feature) },
          { label: "Task", value: (e) => orNone(e.task) },
        ]}
      />
      {open && <Drawer event={open} onClose={() => setOpen(undefined)} />}
    </>
  );
}

function Drawer(props: { event: EventNode; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, [props.event.id]);
  return (
    <dialog ref={ref} class="drawer" aria-labelledby="drawer-title" onClose={props.onClose}>
      <div class="table-head">
        <h2 id="drawer-title">Request {props.event.id}</h2>
        <button type="button" class="small" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
      <dl class="fields">
        {Object.entries(props.event).map(([k, v]) => (
          <div>
            <dt>{k}</dt>
            <dd>{v === null ? "—" : String(v)}</dd>
          </div>
        ))}
      </dl>
    </dialog>
  );
}
