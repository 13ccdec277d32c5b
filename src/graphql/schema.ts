/** Assembles the GraphQL schema: one file per domain under schema/, imported in the order the printed schema lists them, then built. */
import { builder } from "./builder.ts";

import "./schema/common.ts";
import "./schema/spend.ts";
import "./schema/models.ts";
import "./schema/health.ts";
import "./schema/usage.ts";
import "./schema/events.ts";
import "./schema/settings.ts";
import "./schema/orgs.ts";
import "./schema/prices.ts";
import "./schema/recommendations.ts";
import "./schema/routing.ts";
import "./schema/usage-groups.ts";
import "./schema/results.ts";
import "./schema/budgets.ts";
import "./schema/reconciliation.ts";
import "./schema/month.ts";
import "./schema/changes.ts";

export const schema = builder.toSchema({ sortSchema: false });
