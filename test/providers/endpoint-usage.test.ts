import { describe, expect, test } from "bun:test";
import { endpointFor, endpoints } from "../../src/providers/endpoints.ts";
import { foldEvent, initialStreamState, mapTokens, readBodyUsage, type StreamState } from "../../src/providers/endpoint-usage.ts";
import { createDeadline } from "../../src/proxy/forward.ts";
import { tapBody, type TapOutcome } from "../../src/proxy/tap.ts";
import { messagesStream } from "../helpers/mock/messages.ts";
import { responsesStream } from "../helpers/mock/responses.ts";
import type { ReplyInput } from "../helpers/mock/types.ts";

const { responses, messages } = endpoints;
const responsesFields = responses.usage === "chat" ? undefined : responses.usage.fields;
const messagesFields = messages.usage === "chat" ? undefined : messages.usage.fields;

describe("endpointFor", () => {
  test.each([
    ["/chat/completions", "chat_completions"],
    ["/chat/completions/", "chat_completions"],
    ["/completions", "completions"],
    ["/embeddings", "embeddings"],
    ["/responses", "responses"],
    ["/messages", "messages"],
    ["/responses/resp_1", "other"],
    ["/messages/count_tokens", "other"],
    ["/models", "other"],
  ])("%s → %s", (path, id) => expect(endpointFor(path).id).toBe(id as never));

  test("only chat completions asks for streamed usage; Responses and Messages bodies are never touched", () => {
    const rows = Object.values(endpoints).map((e) => [e.id, e.mayTouchBody, e.streamUsageOption]);
    expect(rows).toEqual([
      ["chat_completions", true, true],
      ["completions", true, false],
      ["embeddings", true, false],
      ["responses", false, false],
      ["messages", false, false],
      ["other", false, false],
      ["generate_content", false, false],
      ["count_tokens", false, false],
      ["embed_content", false, false],
      ["gemini_other", false, false],
    ]);
  });
});

describe("mapTokens", () => {
  test("Responses: cached ⊂ input, reasoning ⊂ output", () => {
    const usage = { input_tokens: 328, input_tokens_details: { cached_tokens: 128 }, output_tokens: 52, output_tokens_details: { reasoning_tokens: 40 }, total_tokens: 380 };
    expect(mapTokens(responsesFields!, usage)).toEqual({ inputTokens: 328, outputTokens: 52, cachedInputTokens: 128, cacheWriteTokens: null, reasoningTokens: 40 });
  });
  test("Responses without details: the parts are null, never 0", () => {
    expect(mapTokens(responsesFields!, { input_tokens: 5, output_tokens: 7 })).toEqual({ inputTokens: 5, outputTokens: 7, cachedInputTokens: null, cacheWriteTokens: null, reasoningTokens: null });
  });
  test("Messages: input_tokens is the uncached part; billed input adds reads and writes", () => {
    const usage = { input_tokens: 10, cache_creation_input_tokens: 300, cache_read_input_tokens: 2000, output_tokens: 25, service_tier: "standard" };
    expect(mapTokens(messagesFields!, usage)).toEqual({ inputTokens: 2310, outputTokens: 25, cachedInputTokens: 2000, cacheWriteTokens: 300, cacheWrite1hTokens: null, reasoningTokens: null });
  });
  test("Messages: the 1-hour part of the cache writes, never more than the writes", () => {
    const usage = { input_tokens: 10, cache_creation_input_tokens: 300, cache_read_input_tokens: 0, output_tokens: 5, cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 } };
    expect(mapTokens(messagesFields!, usage)?.cacheWrite1hTokens).toBe(200);
    expect(mapTokens(messagesFields!, { ...usage, cache_creation: { ephemeral_1h_input_tokens: 900 } })?.cacheWrite1hTokens).toBe(300);
  });
  test("no input or output count: no usage; garbage counts are absent, not 0", () => {
    expect(mapTokens(messagesFields!, { output_tokens: 3 })).toBeUndefined();
    expect(mapTokens(responsesFields!, { input_tokens: -1, output_tokens: 3 })).toBeUndefined();
    expect(mapTokens(responsesFields!, { input_tokens: 4, output_tokens: 3, input_tokens_details: { cached_tokens: 1.5 } })?.cachedInputTokens).toBeNull();
  });
  test("parts never exceed their totals", () => {
    const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 99 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 50 } };
    expect(mapTokens(responsesFields!, usage)).toMatchObject({ cachedInputTokens: 10, reasoningTokens: 5 });
  });
});

describe("readBodyUsage", () => {
  test("Responses and Messages bodies give usage and model; chat bodies keep the provider's extractor", () => {
    expect(readBodyUsage(responses, "openai", { model: "o3-2025-04-16", usage: { input_tokens: 1, output_tokens: 2 } })).toMatchObject({ responseModel: "o3-2025-04-16", usage: { inputTokens: 1, outputTokens: 2 } });
    expect(readBodyUsage(messages, "anthropic", { model: "claude-x", usage: { input_tokens: 1, output_tokens: 2, cache_read_input_tokens: 3 } }).usage).toMatchObject({ inputTokens: 4, cachedInputTokens: 3 });
    // a chat-shaped body on /v1/responses is not read as chat usage
    expect(readBodyUsage(responses, "openai", { usage: { prompt_tokens: 1, completion_tokens: 2 } }).usage).toBeUndefined();
  });
});

const fold = (endpoint: typeof responses, events: [string | undefined, unknown][]): StreamState =>
  events.reduce((s, [name, chunk]) => foldEvent(endpoint, "openai", s, name, chunk), initialStreamState());

describe("foldEvent", () => {
  test("Messages: message_start's counts, then the cumulative message_delta output replaces the first", () => {
    const state = fold(messages, [
      ["message_start", { type: "message_start", message: { model: "claude-sonnet-4-5", usage: { input_tokens: 25, cache_creation_input_tokens: 0, cache_read_input_tokens: 100, output_tokens: 1 } } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } }],
      ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 15 } }],
      // a later delta with nulls never erases a count
      ["message_delta", { type: "message_delta", delta: {}, usage: { output_tokens: 16, input_tokens: null } }],
    ]);
    expect([state.usage, state.responseModel, state.failed]).toEqual([
      { inputTokens: 125, outputTokens: 16, cachedInputTokens: 100, cacheWriteTokens: 0, cacheWrite1hTokens: null, reasoningTokens: null },
      "claude-sonnet-4-5",
      false,
    ]);
  });
  test("Responses: model from response.created, usage only from the final event; response.failed marks the stream failed", () => {
    const usage = { input_tokens: 9, output_tokens: 4 };
    const ok = fold(responses, [
      [undefined, { type: "response.created", response: { model: "gpt-4o-2024-08-06", usage: null } }],
      [undefined, { type: "response.output_text.delta", delta: "x" }],
      ["response.completed", { type: "response.completed", response: { model: "gpt-4o-2024-08-06", usage } }],
    ]);
    expect([ok.usage?.inputTokens, ok.usage?.outputTokens, ok.responseModel, ok.failed]).toEqual([9, 4, "gpt-4o-2024-08-06", false]);
    const failed = fold(responses, [["response.failed", { type: "response.failed", response: { usage, error: { code: "server_error" } } }]]);
    expect([failed.usage?.outputTokens, failed.failed]).toEqual([4, true]);
  });
  test("events that change nothing keep the same state", () => {
    const state = fold(messages, [["message_start", { type: "message_start", message: { model: "m", usage: { input_tokens: 1, output_tokens: 1 } } }]]);
    expect(foldEvent(messages, "anthropic", state, "ping", { type: "ping" })).toBe(state);
  });
});

/** Through the tap, split in two at every byte offset: the client's bytes are the provider's, the usage exact. */
describe("tap at every byte split", () => {
  const input: ReplyInput = {
    model: "m-1",
    body: {},
    content: ["Hé", "llo ✓", "!"],
    usage: { promptTokens: 900, completionTokens: 70, cachedTokens: 500, cacheWriteTokens: 100, reasoningTokens: 30, thinkingTokens: 0 },
    includeUsage: false,
    toolCall: undefined,
    created: 1,
  };
  const run = async (endpoint: typeof responses, parts: Uint8Array[]) => {
    const source = new ReadableStream<Uint8Array>({ start: (c) => (parts.forEach((p) => c.enqueue(p)), c.close()) });
    let outcome!: TapOutcome;
    const out = tapBody(source.getReader(), [], {
      endpoint,
      provider: endpoint === messages ? "anthropic" : "openai",
      sse: true,
      dropInjectedUsage: false,
      deadline: createDeadline(new AbortController().signal, 60_000),
      idleTimeoutMs: 60_000,
      onEnd: (o) => (outcome = o),
    });
    return { bytes: new Uint8Array(await new Response(out).arrayBuffer()), outcome };
  };
  test.each([
    ["Responses", responses, responsesStream, { inputTokens: 900, outputTokens: 70, cachedInputTokens: 500, cacheWriteTokens: null, reasoningTokens: 30 }],
    ["Messages", messages, messagesStream, { inputTokens: 900, outputTokens: 70, cachedInputTokens: 500, cacheWriteTokens: 100, cacheWrite1hTokens: 0, reasoningTokens: null }],
  ] as const)("%s", async (_name, endpoint, build, usage) => {
    const bytes = new TextEncoder().encode(build(input).join(""));
    expect(bytes.length).toBeGreaterThan(new TextDecoder().decode(bytes).length); // multi-byte characters get split too
    for (let i = 0; i <= bytes.length; i++) {
      const { bytes: out, outcome } = await run(endpoint, [bytes.subarray(0, i), bytes.subarray(i)]);
      if (Buffer.compare(out, bytes) !== 0 || JSON.stringify(outcome.usage) !== JSON.stringify(usage) || outcome.responseModel !== "m-1") {
        expect({ i, same: Buffer.compare(out, bytes) === 0, usage: outcome.usage, model: outcome.responseModel }).toEqual({ i, same: true, usage, model: "m-1" });
      }
    }
  });
});
