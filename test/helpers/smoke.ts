/**
 * The end-to-end smoke shared by the binary and Deno checks: a real `lectr`
 * process on a fresh database, one plain and one streamed chat through it to
 * a mock OpenAI, SIGTERM, then the events read back from the database file.
 */
import { expect } from "bun:test";
import { createClient } from "@libsql/client";
import type { MockUpstream } from "./mock-upstream.ts";
import { defaultMockUsage } from "./mock-upstream.ts";
import { spawnLectr } from "./process.ts";
import { waitFor } from "./wait-for.ts";

export interface SmokeRun {
  key: string | undefined;
  chats: { status: number; text: string }[];
  exitCode: number;
  /** `costBreakdown` over the last hour, asked through /graphql once both events were counted. */
  costBreakdown: { requests: number; totalCostUsd: number; providers: { provider: string; requests: number }[] };
  /** The events on disk after exit, plain stream first. */
  events: Record<string, unknown>[];
}

export async function runSmoke(opts: { cmd: string[]; cwd: string; dbPath: string; mock: MockUpstream; env?: Record<string, string | undefined> }): Promise<SmokeRun> {
  const lectr = await spawnLectr({ LECTR_OPENAI_BASE_URL: opts.mock.baseUrl, ...opts.env }, opts.cmd, opts.cwd);
  try {
    const chat = (stream: boolean) =>
      fetch(`${lectr.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-lectr-key": lectr.key ?? "", authorization: "Bearer sk-test-openai" },
        body: JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "Hi" }] }),
      }).then(async (r) => ({ status: r.status, text: await r.text() }));
    const chats = [await chat(false), await chat(true)];
    const costBreakdown = await askCostBreakdown(lectr.url, lectr.key ?? "");
    lectr.kill("SIGTERM");
    const exitCode = await lectr.exited;
    return { key: lectr.key, chats, exitCode, costBreakdown, events: await readEvents(opts.dbPath) };
  } finally {
    lectr.kill("SIGKILL");
  }
}

/** Asks until both events are counted (they are written within the flush interval), bounded at 10 s. */
async function askCostBreakdown(url: string, key: string): Promise<SmokeRun["costBreakdown"]> {
  const query = "{ costBreakdown(period: { preset: LAST_HOUR }) { requests totalCostUsd providers { provider requests } } }";
  let last: SmokeRun["costBreakdown"] | undefined;
  const ask = async () => {
    const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", "x-lectr-key": key }, body: JSON.stringify({ query }) });
    last = ((await res.json()) as { data?: { costBreakdown: SmokeRun["costBreakdown"] } }).data?.costBreakdown;
    return last !== undefined && last.requests >= 2;
  };
  // what was last answered goes to the caller's assertions either way
  await waitFor(ask, { timeoutMs: 10_000, intervalMs: 50 }).catch(() => {});
  return last ?? { requests: -1, totalCostUsd: -1, providers: [] };
}

async function readEvents(dbPath: string): Promise<Record<string, unknown>[]> {
  const client = createClient({ url: `file:${dbPath}` });
  try {
    const result = await client.execute(
      "SELECT provider, model, streamed, status, error_code, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, price_known, cost_usd FROM events ORDER BY streamed",
    );
    return result.rows.map((row) => Object.fromEntries(result.columns.map((c) => [c, row[c]])));
  } finally {
    client.close();
  }
}

/** What runSmoke's two chats must leave on disk. */
export function expectedEvents(): Record<string, unknown>[] {
  const u = defaultMockUsage.openai;
  const event = (streamed: number) => ({
    provider: "openai",
    model: "gpt-4o-mini",
    streamed,
    status: 200,
    error_code: null,
    input_tokens: u.promptTokens,
    output_tokens: u.completionTokens,
    cached_input_tokens: u.cachedTokens,
    reasoning_tokens: u.reasoningTokens,
    price_known: 1,
    cost_usd: expect.any(Number),
  });
  return [event(0), event(1)];
}
