/**
 * Stream transparency: the client receives byte for byte what the upstream
 * sent, except the usage-only chunk Lectr itself asked for.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ProviderId } from "../../src/providers/types.ts";
import { concatBytes } from "../../src/lib/bytes.ts";
import { providerKeys, startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());

const models: Record<ProviderId, string> = {
  openai: "gpt-4o-mini",
  anthropic: "claude-sonnet-4-5",
  groq: "openai/gpt-oss-120b",
  gemini: "gemini-2.5-pro",
  azure: "prod-gpt4o",
  mistral: "mistral-small-latest",
  deepseek: "deepseek-reasoner",
  xai: "grok-3-mini",
  openrouter: "google/gemini-2.5-flash",
};

const decoder = new TextDecoder();

/** Reads the response body as the chunks the client received. */
async function readChunks(res: Response): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of res.body!) out.push(c);
  return out;
}

function events(bytes: Uint8Array): string[] {
  return decoder
    .decode(bytes)
    .split("\n\n")
    .filter((e) => e.length > 0);
}

describe.each(Object.keys(models) as ProviderId[])("%s", (provider) => {
  const headers = { authorization: `Bearer ${providerKeys[provider]}`, ...(provider === "azure" ? { "x-lectr-provider": "azure" } : {}) };
  const mock = () => f.mocks[provider];

  test("client asked for usage: byte-identical stream", async () => {
    mock().reset();
    mock().setBehavior({ chunkDelayMs: 2 });
    const body = { model: models[provider], stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Hi" }] };
    const res = await f.post("/v1/chat/completions", body, headers);
    const got = concatBytes(await readChunks(res));
    expect(decoder.decode(got)).toBe(decoder.decode(concatBytes(mock().responses[0]!.chunks)));
    // the body went upstream untouched
    expect(mock().requests[0]!.bodyText).toBe(JSON.stringify(body));
  });

  test("client did not ask for usage: the stream it would have got from the provider", async () => {
    mock().reset();
    mock().setBehavior({ chunkDelayMs: 2 });
    const body = { model: models[provider], stream: true, messages: [{ role: "user", content: "Hi" }] };
    const res = await f.post("/v1/chat/completions", body, headers);
    const got = events(concatBytes(await readChunks(res)));
    const sent = events(concatBytes(mock().responses[0]!.chunks));
    const upstreamBody = mock().requests[0]!.json as { stream_options?: { include_usage?: boolean } };
    const injected = upstreamBody.stream_options?.include_usage === true;
    // Lectr asks only where the stream would otherwise carry no usage: OpenAI and Azure (providers.md §1.2), and
    // Anthropic's compatibility layer, which documents stream_options as "Fully supported", OpenAI's opt-in
    // (https://docs.anthropic.com/en/api/openai-sdk#simple-fields), and DeepSeek and xAI, whose docs give the same opt-in;
    // Groq, Gemini, Mistral and OpenRouter report usage unasked (§3.2, §4.2)
    expect(injected).toBe(["openai", "azure", "anthropic", "deepseek", "xai"].includes(provider));
    const usageOnly = (e: string) => {
      const data = e.replace(/^data: /, "");
      if (data === "[DONE]") return false;
      const j = JSON.parse(data) as { choices?: unknown[]; usage?: unknown; prompt_filter_results?: unknown };
      return Array.isArray(j.choices) && j.choices.length === 0 && j.usage != null && !j.prompt_filter_results;
    };
    const expected = injected ? sent.filter((e) => !usageOnly(e)) : sent;
    expect(got).toEqual(expected);
    if (provider === "openai" || provider === "azure") expect(sent.length - got.length).toBe(1);
    if (provider === "azure") expect(got[0]).toContain("prompt_filter_results");
    // usage was still captured from the dropped chunk
    const e = (await f.lectr.events())[0]!;
    expect(e.input_tokens).toBeGreaterThan(0);
  });
});

test("the first chunk reaches the client before the upstream has finished", async () => {
  f.mocks.openai.reset();
  f.mocks.openai.setBehavior({ chunkDelayMs: 150, contentChunks: ["a", "b", "c", "d"] });
  const res = await f.post("/v1/chat/completions", { model: "gpt-4o", stream: true, messages: [] });
  const reader = res.body!.getReader();
  const first = await reader.read();
  // at that moment the mock has sent at most its first two frames of 7
  expect(decoder.decode(first.value)).toContain("chat.completion.chunk");
  expect(f.mocks.openai.responses[0]!.chunks.length).toBeLessThan(3);
  while (!(await reader.read()).done);
});
