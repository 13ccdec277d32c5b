import { builder } from "../builder.ts";
import type { StoredEvent } from "../../db/events.ts";
import { EventEdge } from "./event-edge.ts";
import { PageInfo, type PageInfoShape } from "./page-info.ts";

export const EventConnection = builder
  .objectRef<{ edges: { cursor: string; node: StoredEvent }[]; pageInfo: PageInfoShape }>("EventConnection")
  .implement({
    description: "A page of events, newest first.",
    fields: (t) => ({
      edges: t.expose("edges", { type: [EventEdge], complexity: { field: 1, multiplier: 1 } }),
      pageInfo: t.expose("pageInfo", { type: PageInfo }),
    }),
  });
