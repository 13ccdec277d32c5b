import { builder } from "../builder.ts";

export const StatusCount = builder.objectRef<{ status: number; count: number }>("StatusCount").implement({
  description: "Requests answered with one HTTP status.",
  fields: (t) => ({
    status: t.exposeInt("status"),
    count: t.exposeInt("count"),
  }),
});
