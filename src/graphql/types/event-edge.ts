import { builder } from "../builder.ts";
import type { StoredEvent } from "../../db/events.ts";
import { Event } from "./event.ts";

export const EventEdge = builder.objectRef<{ cursor: string; node: StoredEvent }>("EventEdge").implement({
  fields: (t) => ({
    cursor: t.exposeString("cursor", { description: "Pass as `after` to continue after this event." }),
    node: t.expose("node", { type: Event }),
  }),
});
