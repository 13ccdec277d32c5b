/**
 * The org every answers test looks at: real proxied traffic to OpenAI,
 * Anthropic and Groq (Groq failing right now), plus history written at chosen
 * times (a previous day, Groq's usual week, last month), and a signed-in
 * Chromium at 1440 px.
 */
import { insertEvents } from "../../src/db/events.ts";
import { periodBounds } from "../../src/budgets/budget-period.ts";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";
import { eventRow } from "../helpers/rows.ts";
import { gqlClient, orgKey, type Gql } from "../graphql/client.ts";
import { openBrowser, signIn, type Browser } from "./harness.ts";

export const hourMs = 3_600_000;

export interface Answers {
  f: Fixture;
  gql: Gql;
  b: Browser;
  stop(): Promise<void>;
}

export async function startAnswers(): Promise<Answers> {
  const f = await startFixture();
  const gql = gqlClient(f.lectr.url, orgKey(f.lectr.key));
  const send = async (model: string, headers: Record<string, string> = {}) => void (await (await f.post("/v1/chat/completions", { model, messages: [{ role: "user", content: "Hi" }] }, headers)).text());
  await send("gpt-4o");
  await send("gpt-4o");
  // the smallest of its family: nothing cheaper to suggest
  await send("gpt-4o-mini");
  await send("claude-3-5-sonnet-20241022", { authorization: `Bearer ${providerKeys.anthropic}` });
  await send("llama-3.3-70b-versatile", { authorization: `Bearer ${providerKeys.groq}` });
  await send("llama-3.3-70b-versatile", { authorization: `Bearer ${providerKeys.groq}` });
  // Groq fails right now: 5 of its 7 requests
  f.mocks.groq.setBehavior({ status: 500 });
  for (let i = 0; i < 5; i++) await send("llama-3.3-70b-versatile", { authorization: `Bearer ${providerKeys.groq}` });
  f.mocks.groq.reset();
  const now = Date.now();
  const lastMonth = periodBounds("month", "UTC", periodBounds("month", "UTC", now).start - 1);
  await insertEvents(f.lectr.lectr.database.writePath, [
    // the previous 24 h: OpenAI spent more than now, Groq next to nothing (its change reads "new")
    eventRow(f.lectr.orgId, "k", now - 30 * hourMs, { cost_usd: 0.5 }),
    eventRow(f.lectr.orgId, "k", now - 30 * hourMs, { provider: "groq", model: "llama-3.3-70b-versatile", cost_usd: 0.000000001 }),
    // Groq's usual: 100 good requests earlier today
    ...Array.from({ length: 100 }, (_, i) => eventRow(f.lectr.orgId, "k", now - 3 * hourMs - i, { provider: "groq", model: "llama-3.3-70b-versatile" })),
    // last month, for the month's comparison
    eventRow(f.lectr.orgId, "k", lastMonth.start, { cost_usd: 7 }),
  ]);
  const b = await openBrowser({ viewport: { width: 1440, height: 900 } });
  await signIn(b.page, f.lectr.url, f.lectr.key);
  return {
    f,
    gql,
    b,
    async stop() {
      await b.close();
      await f.stop();
    },
  };
}
