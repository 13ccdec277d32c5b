/**
 * The seeded discrepancies both reconciliation tests read: days relative to
 * today (UTC), so the settled/provisional split holds at any hour.
 *  - day A (today − 5): gpt-4o-mini matches; gpt-4o is billed 10 % over Lectr's price (drift);
 *    claude-sonnet-4 matches with every cache class.
 *  - day B (today − 4): a laptop key in the same project spent outside Lectr (unseen spend).
 *  - day C (today − 1): the provider has not caught up yet (provisional).
 */
import { insertEvents } from "../../src/db/events.ts";
import type { EventRow } from "../../src/db/tables.ts";
import type { TestLectr } from "../helpers/lectr.ts";
import type { AdminMock } from "../helpers/mock/admin-apis.ts";
import { eventRow } from "../helpers/rows.ts";

export const dayMs = 86_400_000;
export const today = Math.floor(Date.now() / dayMs) * dayMs;
export const dayA = today - 5 * dayMs;
export const dayB = today - 4 * dayMs;
export const dayC = today - 1 * dayMs;

/** gpt-4o-mini: 800 uncached × 0.15 + 200 cached × 0.075 + 500 out × 0.6 per M = $0.000435 a call. */
const mini = { model: "gpt-4o-mini", input_tokens: 1000, cached_input_tokens: 200, cache_write_tokens: null, output_tokens: 500, cost_usd: 0.000435 };
/** gpt-4o: 10 000 in × 2.5 + 1 000 out × 10 per M = $0.035 a call. */
const big = { model: "gpt-4o", input_tokens: 10_000, cached_input_tokens: 0, output_tokens: 1000, cost_usd: 0.035 };
/** claude-sonnet-4: 500 × 3 + 300 read × 0.3 + 150 5m-write × 3.75 + 50 1h-write × 6 + 100 out × 15 per M = $0.0039525 a call. */
const sonnet = {
  provider: "anthropic",
  endpoint: "/v1/messages",
  model: "claude-sonnet-4-20250514",
  input_tokens: 1000,
  cached_input_tokens: 300,
  cache_write_tokens: 200,
  cache_write_1h_tokens: 50,
  output_tokens: 100,
  cost_usd: 0.0039525,
};

export async function seedLectr(l: TestLectr): Promise<void> {
  const rows: EventRow[] = [];
  const at = (day: number, i: number) => day + 10 * 3_600_000 + i * 1000;
  for (let i = 0; i < 10; i++) rows.push(eventRow(l.orgId, "k", at(dayA, i), mini), eventRow(l.orgId, "k", at(dayB, i), mini), eventRow(l.orgId, "k", at(dayC, i), mini));
  for (let i = 0; i < 4; i++) rows.push(eventRow(l.orgId, "k", at(dayA, 20 + i), big));
  for (let i = 0; i < 2; i++) rows.push(eventRow(l.orgId, "k", at(dayA, 30 + i), sonnet as Partial<EventRow>));
  await insertEvents(l.lectr.database.writePath, rows);
}

export function seedProviders(mock: AdminMock): void {
  const h = (day: number) => day + 10 * 3_600_000;
  const app = { apiKeyId: "key_app", projectId: "proj_app" };
  const miniDay = { provider: "openai" as const, model: "gpt-4o-mini", ...app, uncached: 8000, cached: 2000, output: 5000, requests: 10 };
  mock.usage.push(
    { ...miniDay, hour: h(dayA) },
    { ...miniDay, hour: h(dayB) },
    // the laptop key: 50 calls Lectr never saw, $0.2175 at Lectr's prices
    { ...miniDay, hour: h(dayB) + 3_600_000, apiKeyId: "key_laptop", uncached: 400_000, cached: 100_000, output: 250_000, requests: 50 },
    { ...miniDay, hour: h(dayC), uncached: 6400, cached: 1600, output: 4000, requests: 8 },
    { provider: "openai", model: "gpt-4o", ...app, hour: h(dayA), uncached: 40_000, cached: 0, output: 4000, requests: 4 },
    // a key of another team in the same provider organization: not the org's
    { provider: "openai", model: "gpt-4o", apiKeyId: "key_other", projectId: "proj_other", hour: h(dayA), uncached: 99_999, cached: 0, output: 1, requests: 1 },
    { provider: "anthropic", model: "claude-sonnet-4-20250514", apiKeyId: "apikey_01", projectId: "wrkspc_main", hour: h(dayA), uncached: 1000, cached: 600, write5m: 300, write1h: 100, output: 200, requests: 0 },
  );
  const cost = (provider: "openai" | "anthropic", day: number, model: string, projectId: string, kind: string, usd: number) => ({ provider, day, model, projectId, kind, usd });
  mock.costs.push(
    cost("openai", dayA, "gpt-4o-mini", "proj_app", "input", 0.00135),
    cost("openai", dayA, "gpt-4o-mini", "proj_app", "output", 0.003),
    // 10 % over Lectr's gpt-4o price: $0.11 input + $0.044 output against $0.14
    cost("openai", dayA, "gpt-4o", "proj_app", "input", 0.11),
    cost("openai", dayA, "gpt-4o", "proj_app", "output", 0.044),
    cost("openai", dayA, "gpt-4o", "proj_other", "input", 0.25),
    cost("openai", dayB, "gpt-4o-mini", "proj_app", "input", 0.07635),
    cost("openai", dayB, "gpt-4o-mini", "proj_app", "output", 0.1455),
    cost("openai", dayC, "gpt-4o-mini", "proj_app", "input", 0.00108),
    cost("openai", dayC, "gpt-4o-mini", "proj_app", "output", 0.0024),
    cost("anthropic", dayA, "claude-sonnet-4-20250514", "wrkspc_main", "uncached_input_tokens", 0.003),
    cost("anthropic", dayA, "claude-sonnet-4-20250514", "wrkspc_main", "cache_read_input_tokens", 0.00018),
    cost("anthropic", dayA, "claude-sonnet-4-20250514", "wrkspc_main", "cache_creation.ephemeral_5m_input_tokens", 0.001125),
    cost("anthropic", dayA, "claude-sonnet-4-20250514", "wrkspc_main", "cache_creation.ephemeral_1h_input_tokens", 0.0006),
    cost("anthropic", dayA, "claude-sonnet-4-20250514", "wrkspc_main", "output_tokens", 0.003),
  );
}
