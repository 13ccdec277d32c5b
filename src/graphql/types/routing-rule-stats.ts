import { builder } from "../builder.ts";
import type { RoutingRuleRow } from "../../db/routing.ts";
import type { RuleOutcome } from "../../routing/stats.ts";
import { RoutingRule } from "./routing-rule.ts";
import { RoutingSlice } from "./routing-slice.ts";

export type RoutingRuleStatsShape = RuleOutcome & { rule: RoutingRuleRow; from: number; to: number };

export const RoutingRuleStats = builder.objectRef<RoutingRuleStatsShape>("RoutingRuleStats").implement({
  description: "A routing rule's outcome in a period: the requests it routed against the ones it matched and sent as asked.",
  fields: (t) => ({
    rule: t.field({ type: RoutingRule, resolve: (s) => s.rule }),
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    routed: t.expose("routed", { type: RoutingSlice, description: "Sent to the target model." }),
    control: t.expose("control", { type: RoutingSlice, description: "Matched but outside the rule's percent: sent as asked, the comparison group." }),
    skipped: t.exposeInt("skipped", { description: "Matched and chosen, but sent as asked because the request lacked the target provider's key." }),
  }),
});
