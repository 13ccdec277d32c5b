/** Assembles the GraphQL schema: imports every type, query and mutation, then builds. */
import { builder } from "./builder.ts";

import "./types/date-time.ts";
import "./types/query.ts";
import "./types/mutation.ts";

import "./queries/cost-breakdown.ts";
import "./queries/model-distribution.ts";
import "./queries/provider-health.ts";
import "./queries/usage-series.ts";
import "./queries/events.ts";
import "./queries/settings.ts";
import "./queries/orgs.ts";
import "./queries/unpriced-models.ts";
import "./queries/model-prices.ts";
import "./queries/recommendations.ts";
import "./queries/routing-rules.ts";
import "./queries/routing-rule-stats.ts";

import "./mutations/set-azure-settings.ts";
import "./mutations/clear-azure-settings.ts";
import "./mutations/create-org.ts";
import "./mutations/create-key.ts";
import "./mutations/revoke-key.ts";
import "./mutations/set-model-price.ts";
import "./mutations/recost-events.ts";
import "./mutations/create-routing-rule.ts";
import "./mutations/update-routing-rule.ts";
import "./mutations/delete-routing-rule.ts";
import "./mutations/reorder-routing-rules.ts";
import "./mutations/apply-recommendation.ts";

import "./budgets.ts";

export const schema = builder.toSchema({ sortSchema: false });
