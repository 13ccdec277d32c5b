/**
 * The migrations, embedded as text so the single binary carries them. Add a
 * new file here when drizzle-kit writes one (a test checks this list against
 * the migrations/ folder).
 */
import m0000 from "../../migrations/0000_init.sql" with { type: "text" };
import m0001 from "../../migrations/0001_rollups.sql" with { type: "text" };
import m0002 from "../../migrations/0002_routing_prices_observability.sql" with { type: "text" };
import m0003 from "../../migrations/0003_key_scopes.sql" with { type: "text" };
import m0005 from "../../migrations/0005_cache_write_1h.sql" with { type: "text" };
import m0006 from "../../migrations/0006_budgets.sql" with { type: "text" };
import m0007 from "../../migrations/0007_usage_claims.sql" with { type: "text" };
import m0010 from "../../migrations/0010_budget_exempt_want.sql" with { type: "text" };
import m0011 from "../../migrations/0011_key_names_org_time_zone.sql" with { type: "text" };
import m0012 from "../../migrations/0012_reconciliation.sql" with { type: "text" };

export const migrations: readonly { name: string; sql: string }[] = [
  { name: "0000_init", sql: m0000 },
  { name: "0001_rollups", sql: m0001 },
  { name: "0002_routing_prices_observability", sql: m0002 },
  { name: "0003_key_scopes", sql: m0003 },
  { name: "0005_cache_write_1h", sql: m0005 },
  { name: "0006_budgets", sql: m0006 },
  { name: "0007_usage_claims", sql: m0007 },
  { name: "0010_budget_exempt_want", sql: m0010 },
  { name: "0011_key_names_org_time_zone", sql: m0011 },
  { name: "0012_reconciliation", sql: m0012 },
];
