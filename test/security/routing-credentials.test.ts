/**
 * A routing rule that moves a request to another provider sends that
 * provider only the key meant for it: every credential form of the source
 * provider (headers and query) stays behind.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { routingRules } from "../../src/db/tables.ts";
import { uuidv7 } from "../../src/lib/uuid.ts";
import { dropCredentialParams, upstreamHeaders } from "../../src/proxy/headers.ts";
import { providers } from "../../src/providers/index.ts";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
  const db = f.lectr.lectr.database.db;
  await db.insert(routingRules).values({
    id: uuidv7(), org_id: f.lectr.orgId, position: 0, model: "gemini-*", target_model: "gpt-4o-mini", target_provider: "openai", created_at: 0, updated_at: 0,
  });
  await db.insert(routingRules).values({
    id: uuidv7(), org_id: f.lectr.orgId, position: 1, model: "text-embedding-3-*", target_model: "claude-sonnet-4-5", target_provider: "anthropic", created_at: 0, updated_at: 0,
  });
  await f.lectr.lectr.rules.refresh();
});
afterAll(() => f.stop());

const geminiKey = "AIza-gemini-canary-key";

test("Gemini traffic moved to OpenAI: neither ?key= nor x-goog-api-key nor the bearer reaches OpenAI; other query parameters do", async () => {
  const res = await f.lectr.request(`/v1/chat/completions?key=${geminiKey}&alt=sse&KEY=${geminiKey}&k%65y=${geminiKey}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-lectr-key": f.lectr.key,
      authorization: `Bearer ${geminiKey}`,
      "x-goog-api-key": geminiKey,
      "x-api-key": geminiKey,
      "api-key": geminiKey,
      "x-lectr-provider-key-openai": providerKeys.openai,
    },
    body: JSON.stringify({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "Hi" }] }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("x-lectr-provider")).toBe("openai");
  await res.text();
  expect(f.mocks.gemini.requests).toEqual([]);
  const sent = f.mocks.openai.requests[0]!;
  expect(sent.search).toBe("?alt=sse");
  expect(sent.headers.authorization).toBe(`Bearer ${providerKeys.openai}`);
  expect(JSON.stringify(sent)).not.toContain(geminiKey);
});

test("a request that stays with its provider keeps its own credentials as sent", async () => {
  const res = await f.lectr.request(`/v1/chat/completions?key=${providerKeys.gemini}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-lectr-key": f.lectr.key, "x-goog-api-key": providerKeys.gemini, authorization: `Bearer ${providerKeys.gemini}` },
    body: JSON.stringify({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "Hi" }] }),
  });
  // no X-Lectr-Provider-Key-Openai: the rule is skipped and the request goes to Gemini unchanged
  expect(res.status).toBe(200);
  await res.text();
  const sent = f.mocks.gemini.requests.at(-1)!;
  expect([sent.search, sent.headers["x-goog-api-key"], sent.headers.authorization]).toEqual([`?key=${providerKeys.gemini}`, providerKeys.gemini, `Bearer ${providerKeys.gemini}`]);
});

test.each([
  ["", ""],
  ["?", "?"],
  ["?key=a", ""],
  ["?alt=sse&key=a", "?alt=sse"],
  ["?Key=a&x=1&key", "?x=1"],
  ["?k%65y=a&%zz=1", "?%zz=1"],
  ["?monkey=1&keys=2", "?monkey=1&keys=2"],
])("dropCredentialParams(%p) = %p", (search, expected) => {
  expect(dropCredentialParams(search)).toBe(expected);
});

test("a routed request keeps no credential header of the source provider", () => {
  const client = new Headers({ authorization: "Bearer a", "api-key": "b", "x-api-key": "c", "x-goog-api-key": "d", "content-type": "application/json" });
  expect(Object.fromEntries(upstreamHeaders(client, providers.openai, "sk-target"))).toEqual({ authorization: "Bearer sk-target", "content-type": "application/json" });
  expect(Object.fromEntries(upstreamHeaders(client, providers.azure, "az-target"))).toEqual({ "api-key": "az-target", "content-type": "application/json" });
});

test("a rule never moves a request to a provider that does not serve its path: it goes as asked, and the event says why", async () => {
  f.mocks.openai.reset();
  f.mocks.anthropic.reset();
  const res = await f.post("/v1/embeddings", { model: "text-embedding-3-small", input: "hi" }, { "x-lectr-provider-key-anthropic": providerKeys.anthropic });
  expect(res.status).toBe(200);
  await res.text();
  expect([f.mocks.openai.requests.length, f.mocks.anthropic.requests.length]).toEqual([1, 0]);
  expect(JSON.stringify(f.mocks.openai.requests[0])).not.toContain(providerKeys.anthropic);
  const ev = (await f.lectr.events())[0]!;
  expect([ev.provider, ev.model, ev.routing_skipped, ev.routed_from_model]).toEqual(["openai", "text-embedding-3-small", "provider_not_served", null]);
});
