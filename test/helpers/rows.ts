/** Builders of the plain values many tests need: an event row and a usage. */
import type { EventRow } from "../../src/db/tables.ts";
import type { Usage } from "../../src/providers/types.ts";
import { uuidv7 } from "../../src/lib/uuid.ts";

/** A successful, priced gpt-4o chat event at `at`; override what the test is about. */
export function eventRow(orgId: string, keyId: string, at: number, over: Partial<EventRow> = {}): EventRow {
  return {
    id: uuidv7(at),
    org_id: orgId,
    key_id: keyId,
    created_at: at,
    endpoint: "/v1/chat/completions",
    provider: "openai",
    provider_source: "detected",
    provider_unknown: false,
    model: "gpt-4o",
    streamed: false,
    status: 200,
    error_code: null,
    latency_ms: 100,
    input_tokens: 10,
    output_tokens: 2,
    cost_usd: 0,
    price_known: true,
    ...over,
  };
}

export const usage = (inputTokens: number, outputTokens: number, more: Partial<Usage> = {}): Usage => ({
  inputTokens,
  outputTokens,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  ...more,
});
