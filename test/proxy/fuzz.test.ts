/**
 * Random bodies, paths and header values: the server always answers (never a
 * crash or a hang), Lectr's own errors are in OpenAI's shape, and every
 * authenticated request leaves exactly one event.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { countEvents } from "../../src/db/events.ts";
import { startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ env: { LECTR_MAX_BODY_BYTES: "4096" } });
});
afterAll(() => f.stop());

const printable = fc.string({ unit: fc.constantFrom(..." !#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~"), maxLength: 200 });
const model = fc.oneof(
  fc.constantFrom("gpt-4o", "claude-opus-4-7", "gemini-2.5-pro", "llama-3.1-8b-instant", "prod-gpt4o", "", "models/"),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
);
const jsonBody = fc.record(
  {
    model: fc.oneof(model, fc.integer(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 })),
    stream: fc.oneof(fc.boolean(), fc.constant("yes")),
    stream_options: fc.oneof(fc.constant(null), fc.record({ include_usage: fc.oneof(fc.boolean(), fc.string()) })),
    messages: fc.array(fc.record({ role: fc.constantFrom("user", "system"), content: fc.string({ maxLength: 50 }) }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  jsonBody.map((b) => JSON.stringify(b)),
  fc.string({ maxLength: 300 }),
  fc.constant(""),
  fc.constant("x".repeat(5000)), // over the 4096-byte limit
  fc.json(),
);
const request = fc.record({
  method: fc.constantFrom("POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH"),
  path: fc.constantFrom("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models", "/v1/unknown/thing", "/v1/files?x=1&y=%00"),
  body,
  contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", ""),
  provider: fc.option(fc.oneof(fc.constantFrom("openai", "AZURE", "gemini", "groq", "anthropic"), printable), { nil: undefined }),
  feature: fc.option(fc.oneof(printable, fc.constant("f".repeat(129))), { nil: undefined }),
  task: fc.option(fc.oneof(fc.constantFrom("chat", "code", "Other"), printable), { nil: undefined }),
});

test("random requests: always answered, errors OpenAI-shaped, one event each", async () => {
  const db = f.lectr.lectr.database.db;
  await f.lectr.lectr.recorder.settled();
  const before = await countEvents(db);
  let sent = 0;
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const headers: Record<string, string> = { "x-lectr-key": f.lectr.key, authorization: "Bearer sk-test-openai" };
      if (r.contentType) headers["content-type"] = r.contentType;
      if (r.provider !== undefined) headers["x-lectr-provider"] = r.provider;
      if (r.feature !== undefined) headers["x-lectr-feature"] = r.feature;
      if (r.task !== undefined) headers["x-lectr-task"] = r.task;
      const hasBody = r.method !== "GET";
      const res = await fetch(`${f.lectr.url}${r.path}`, { method: r.method, headers, body: hasBody ? r.body : undefined, signal: AbortSignal.timeout(5_000) });
      sent++;
      const text = await res.text();
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(600);
      expect(res.headers.get("x-lectr-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      if (res.status === 400 || res.status === 413) {
        // Lectr's own rejections, or a provider's 400: either way an error envelope
        const parsed = JSON.parse(text) as { error: { message: unknown; type?: unknown; code?: unknown } };
        expect(typeof parsed.error.message).toBe("string");
      }
    }),
    { numRuns: 150, seed: 20261127 },
  );
  await f.lectr.lectr.recorder.settled();
  expect(await countEvents(db)).toBe(before + sent);
});
