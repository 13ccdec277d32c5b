/** The benchmark's mock upstream answers like OpenAI and counts what it answers. */
import { afterAll, describe, expect, test } from "bun:test";
import { contentChunks, startMock, usage } from "../../bench/mock.ts";

const mock = startMock({ port: 0 });
afterAll(() => mock.server.stop(true));

const post = (path: string, body: object) => fetch(mock.url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

function events(text: string): unknown[] {
  return text
    .split("\n\n")
    .filter((e) => e.startsWith("data: "))
    .map((e) => e.slice("data: ".length))
    .map((d) => (d === "[DONE]" ? d : JSON.parse(d)));
}

describe("bench mock", () => {
  test("JSON: a chat completion with usage", async () => {
    const res = await post("/v1/chat/completions", { model: "gpt-4o-mini", messages: [] });
    const body = (await res.json()) as { usage: unknown; model: string };
    expect({ status: res.status, type: res.headers.get("content-type"), usage: body.usage, model: body.model }).toEqual({
      status: 200,
      type: "application/json",
      usage,
      model: "gpt-4o-mini-2024-07-18",
    });
  });

  for (const [name, path] of [
    ["at once", "/v1/chat/completions"],
    ["paced by query", "/v1/chat/completions?chunk_delay_ms=1"],
    ["paced by path", "/paced/1/v1/chat/completions"],
  ] as const) {
    test(`SSE ${name}: 20 chunks, a usage chunk, [DONE]`, async () => {
      const res = await post(path, { model: "gpt-4o-mini", stream: true, messages: [] });
      const all = events(await res.text());
      const chunks = all.slice(0, contentChunks) as { choices: { finish_reason: string | null }[] }[];
      expect({
        type: res.headers.get("content-type"),
        count: all.length,
        last: chunks.at(-1)?.choices[0]?.finish_reason,
        usageChunk: all[contentChunks],
        done: all.at(-1),
      }).toEqual({
        type: "text/event-stream; charset=utf-8",
        count: contentChunks + 2,
        last: "stop",
        usageChunk: expect.objectContaining({ choices: [], usage }),
        done: "[DONE]",
      });
    });
  }

  test("counts what it received and answered; reset zeroes the counts", async () => {
    await fetch(`${mock.url}/__mock/reset`, { method: "POST" });
    await Promise.all([post("/v1/chat/completions", {}).then((r) => r.text()), post("/v1/chat/completions?chunk_delay_ms=1", { stream: true }).then((r) => r.text())]);
    const stats = await (await fetch(`${mock.url}/__mock/stats`)).json();
    expect(stats).toEqual({ received: 2, completed: 2, inflight: 0, peakInflight: 1 });
  });
});
