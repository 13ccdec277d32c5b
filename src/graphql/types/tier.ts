import { builder } from "../builder.ts";
import { tiers } from "../../recommend/paths.ts";

export const Tier = builder.enumType("Tier", {
  description: "How big a step down a recommendation is: CONSERVATIVE one step within a generation (opus → sonnet), MODERATE to a smaller sibling (gpt-4o → gpt-4o-mini), AGGRESSIVE two steps (opus → haiku).",
  values: tiers,
});
