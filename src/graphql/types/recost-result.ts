import { builder } from "../builder.ts";
import type { RecostTotals } from "../../db/events.ts";

export const RecostResult = builder.objectRef<RecostTotals & { from: number; to: number }>("RecostResult").implement({
  description: "What re-costing changed. Running it again with the same prices changes nothing.",
  fields: (t) => ({
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    eventsChecked: t.exposeInt("eventsChecked"),
    eventsChanged: t.exposeInt("eventsChanged", { description: "Events whose cost, price_known or cost_source changed." }),
    deltaUsd: t.exposeFloat("deltaUsd", { description: "New total minus old total over the changed events (an unknown cost counts as 0)." }),
  }),
});
