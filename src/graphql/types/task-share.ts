import { builder } from "../builder.ts";
import type { TaskShare as Shape } from "../../recommend/recommend.ts";

export const TaskShare = builder.objectRef<Shape>("TaskShare").implement({
  description: "Requests tagged with one X-Lectr-Task.",
  fields: (t) => ({
    task: t.exposeString("task"),
    requests: t.exposeInt("requests"),
  }),
});
