/** A client that leaves: the upstream call is aborted and the event says so, with the usage seen. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startFixture, type Fixture } from "../helpers/fixture.ts";
import { waitFor } from "../helpers/wait-for.ts";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());


test("disconnect mid-stream: upstream aborted, event client_aborted with the usage seen so far", async () => {
  f.mocks.gemini.reset();
  // Gemini reports cumulative usage on every chunk, so usage is known before the end
  f.mocks.gemini.setBehavior({ chunkDelayMs: 40, contentChunks: ["a", "b", "c", "d", "e", "f", "g", "h"] });
  const ac = new AbortController();
  const res = await fetch(`${f.lectr.url}/v1/chat/completions`, {
    method: "POST",
    signal: ac.signal,
    headers: { "content-type": "application/json", "x-lectr-key": f.lectr.key, authorization: "Bearer test-gemini-key" },
    body: JSON.stringify({ model: "gemini-2.5-flash", stream: true, messages: [] }),
  });
  const reader = res.body!.getReader();
  await reader.read();
  await reader.read();
  ac.abort();
  await waitFor(async () => (await f.lectr.events())[0]?.error_code === "client_aborted");
  const ev = (await f.lectr.events())[0]!;
  expect([ev.status, ev.error_code, ev.streamed]).toEqual([200, "client_aborted", true]);
  expect(ev.input_tokens).toBe(35);
  // fewer output tokens than a full answer would have had
  expect(ev.output_tokens!).toBeGreaterThan(0);
  // the provider saw its reader go away before the end: far fewer frames than the 9 of a full answer
  const sent = f.mocks.gemini.responses[0]!;
  await waitFor(() => sent.cancelled, { message: "the upstream call was not aborted" });
  expect(sent.chunks.length).toBeLessThan(9);
});

test("disconnect before the upstream answered: event client_aborted (499)", async () => {
  const before = (await f.lectr.events()).length;
  f.mocks.openai.reset();
  f.mocks.openai.setBehavior({ delayHeadersMs: 400 });
  const ac = new AbortController();
  const pending = fetch(`${f.lectr.url}/v1/chat/completions`, {
    method: "POST",
    signal: ac.signal,
    headers: { "content-type": "application/json", "x-lectr-key": f.lectr.key, authorization: "Bearer sk-test-openai" },
    body: JSON.stringify({ model: "gpt-4o", messages: [] }),
  }).catch((e: unknown) => e);
  await waitFor(() => f.mocks.openai.requests.length === 1);
  ac.abort();
  await pending;
  await waitFor(async () => (await f.lectr.events()).length === before + 1);
  const ev = (await f.lectr.events())[0]!;
  expect([ev.status, ev.error_code, ev.input_tokens]).toEqual([499, "client_aborted", null]);
});

test("a stream cut before its usage arrived gets an estimated cost, with no budget in sight", async () => {
  f.mocks.openai.setBehavior({ chunkDelayMs: 30, contentChunks: Array.from({ length: 40 }, (_, i) => `w${i} `) });
  try {
    const res = await fetch(`${f.lectr.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": f.lectr.key, authorization: "Bearer sk-test-openai", "x-lectr-feature": "cut-stream" },
      body: JSON.stringify({ model: "gpt-4o-mini", stream: true, max_tokens: 1000, messages: [{ role: "user", content: "hi" }] }),
    });
    const reader = res.body!.getReader();
    let text = "";
    while (text.split("\n\n").filter((e) => e.startsWith("data: {")).length < 5) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const ev = await waitFor(async () => (await f.lectr.events()).find((e) => e.feature === "cut-stream" && e.error_code === "client_aborted"));
    // the provider never said: no token counts, but a labelled estimate (the prompt's size and about a token per chunk), not an unknown
    expect([ev.input_tokens, ev.output_tokens, ev.cost_source, ev.price_known]).toEqual([null, null, "estimated", true]);
    expect(ev.cost_usd!).toBeGreaterThan(0);
    expect(ev.cost_usd!).toBeLessThan((50 * 0.15 + 45 * 0.6) / 1e6);
  } finally {
    f.mocks.openai.reset();
  }
});
