import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createSseParser } from "../../src/proxy/sse.ts";
import type { ProviderId, Usage } from "../../src/providers/types.ts";
import {
  foldStreamChunk,
  initialStreamUsage,
  isUsageOnlyChunk,
  mayCarryUsage,
  usageFromBody,
  type StreamUsageState,
} from "../../src/providers/usage.ts";

const text = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
const json = (name: string): unknown => JSON.parse(text(name));

/** The data strings of a captured stream, framed by the real parser. */
function streamData(name: string): string[] {
  const parser = createSseParser();
  const bytes = new TextEncoder().encode(text(name));
  return [...parser.push(bytes), ...parser.finish()].map((e) => e.data);
}

/** The JSON chunks of a captured stream ([DONE] and unparsable data dropped). */
function streamChunks(name: string): unknown[] {
  const data = streamData(name);
  // The Gemini capture lost its blank lines (providers.md §4.2), so its one event holds one chunk per data line.
  const lines = name.startsWith("gemini") ? data.flatMap((d) => d.split("\n")) : data;
  return lines.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d));
}

/** Parts the body does not report are null, never 0. */
const usage = (u: Partial<Usage>): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: null,
  cacheWriteTokens: null,
  reasoningTokens: null,
  ...u,
});

describe("usageFromBody", () => {
  const cases: { name: string; provider: ProviderId; body: unknown; expected: Usage | undefined }[] = [
    {
      name: "OpenAI o3-mini: reasoning is a subset of completion (§1.3)",
      provider: "openai",
      body: json("openai-o3-mini.json"),
      expected: usage({ inputTokens: 7, outputTokens: 87, cachedInputTokens: 0, reasoningTokens: 64 }),
    },
    {
      name: "OpenAI embeddings: prompt and total only (§1.3)",
      provider: "openai",
      body: json("openai-embeddings.json"),
      expected: usage({ inputTokens: 4 }),
    },
    {
      name: "Azure non-stream (§5.3)",
      provider: "azure",
      body: json("azure-chat.json"),
      expected: usage({ inputTokens: 14, outputTokens: 9, cachedInputTokens: 0, reasoningTokens: 0 }),
    },
    {
      name: "Groq non-stream: timing fields ignored (§3.3)",
      provider: "groq",
      body: json("groq-chat.json"),
      expected: usage({ inputTokens: 48, outputTokens: 8 }),
    },
    {
      name: "Gemini: total 109 > 35 + 12, thinking billed as output (§4.3)",
      provider: "gemini",
      body: json("gemini-chat.json"),
      expected: usage({ inputTokens: 35, outputTokens: 74, reasoningTokens: 62 }),
    },
    {
      name: "OpenAI cache writes and reads (§1.5, gpt-5.6 shape)",
      provider: "openai",
      body: {
        usage: {
          prompt_tokens: 4020,
          completion_tokens: 10,
          prompt_tokens_details: { audio_tokens: 0, cache_write_tokens: 4012, cached_tokens: 0 },
        },
      },
      expected: usage({ inputTokens: 4020, outputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 4012 }),
    },
    {
      name: "Groq cache hit via prompt_tokens_details (§3.5)",
      provider: "groq",
      body: { usage: { prompt_tokens: 304, completion_tokens: 49, prompt_tokens_details: { cached_tokens: 128 } } },
      expected: usage({ inputTokens: 304, outputTokens: 49, cachedInputTokens: 128 }),
    },
    {
      name: "Groq usage only under x_groq (§3.2)",
      provider: "groq",
      body: { x_groq: { id: "req_1", usage: { prompt_tokens: 21, completion_tokens: 988, total_tokens: 1009 } } },
      expected: usage({ inputTokens: 21, outputTokens: 988 }),
    },
    {
      name: "Groq prefers top-level usage when both are present",
      provider: "groq",
      body: { usage: { prompt_tokens: 1, completion_tokens: 2 }, x_groq: { usage: { prompt_tokens: 9, completion_tokens: 9 } } },
      expected: usage({ inputTokens: 1, outputTokens: 2 }),
    },
    {
      name: "Groq: x_groq.usage when top-level usage is null",
      provider: "groq",
      body: { usage: null, x_groq: { usage: { prompt_tokens: 9, completion_tokens: 3 } } },
      expected: usage({ inputTokens: 9, outputTokens: 3 }),
    },
    {
      name: "x_groq is Groq's only: other providers ignore it",
      provider: "openai",
      body: { x_groq: { usage: { prompt_tokens: 9, completion_tokens: 3 } } },
      expected: undefined,
    },
    {
      name: "Anthropic compat: prompt/completion, empty details (§2.5)",
      provider: "anthropic",
      body: { usage: { prompt_tokens: 210, completion_tokens: 57, total_tokens: 267, prompt_tokens_details: {}, completion_tokens_details: {} } },
      expected: usage({ inputTokens: 210, outputTokens: 57 }),
    },
    {
      name: "Anthropic compat: top-level cached_tokens read defensively (§2.5)",
      provider: "anthropic",
      body: { usage: { prompt_tokens: 210, completion_tokens: 57, cached_tokens: 200 } },
      expected: usage({ inputTokens: 210, outputTokens: 57, cachedInputTokens: 200 }),
    },
    {
      name: "top-level cached_tokens is Anthropic's only",
      provider: "openai",
      body: { usage: { prompt_tokens: 210, completion_tokens: 57, cached_tokens: 200 } },
      expected: usage({ inputTokens: 210, outputTokens: 57 }),
    },
    {
      name: "Gemini without thinking: total = prompt + completion, so no reasoning (0, not unknown)",
      provider: "gemini",
      body: { usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } },
      expected: usage({ inputTokens: 9, outputTokens: 3, reasoningTokens: 0 }),
    },
    {
      name: "Gemini: a total below prompt + completion is not trusted",
      provider: "gemini",
      body: { usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 5 } },
      expected: usage({ inputTokens: 9, outputTokens: 3 }),
    },
    {
      name: "Gemini cached tokens, if ever present (§4.5)",
      provider: "gemini",
      body: { usage: { prompt_tokens: 100, completion_tokens: 3, total_tokens: 113, prompt_tokens_details: { cached_tokens: 64 } } },
      expected: usage({ inputTokens: 100, outputTokens: 13, cachedInputTokens: 64, reasoningTokens: 10 }),
    },
    { name: "usage: null is no usage", provider: "openai", body: { usage: null, choices: [] }, expected: undefined },
    { name: "no usage key", provider: "azure", body: json("azure-stream-prompt-filter-chunk.json"), expected: undefined },
    { name: "Gemini's array error body", provider: "gemini", body: [{ error: { code: 400 } }], expected: undefined },
    { name: "not an object", provider: "openai", body: "usage", expected: undefined },
    { name: "null body", provider: "openai", body: null, expected: undefined },
    { name: "usage is an array", provider: "openai", body: { usage: [1, 2] }, expected: undefined },
    { name: "empty usage object: nothing reported, so unknown, never 0", provider: "anthropic", body: { usage: {} }, expected: undefined },
    {
      name: "garbage numbers: the usage is unknown, never 0 or NaN",
      provider: "openai",
      body: {
        usage: {
          prompt_tokens: "78",
          completion_tokens: -5,
          prompt_tokens_details: { cached_tokens: Number.NaN },
          completion_tokens_details: { reasoning_tokens: 1.5 },
        },
      },
      expected: undefined,
    },
    {
      name: "garbage totals (Infinity, huge, null details): unknown",
      provider: "gemini",
      body: { usage: { prompt_tokens: 9, completion_tokens: null, total_tokens: Infinity, prompt_tokens_details: null } },
      expected: undefined,
    },
    {
      name: "an absurd count (past 2^53) is unknown, not a priced 0",
      provider: "openai",
      body: { usage: { prompt_tokens: 1e308, completion_tokens: 5 } },
      expected: undefined,
    },
    {
      name: "embeddings: no completion_tokens, a total equal to the prompt means no output",
      provider: "openai",
      body: { usage: { prompt_tokens: 8, total_tokens: 8 } },
      expected: usage({ inputTokens: 8, outputTokens: 0 }),
    },
    {
      name: "subsets never exceed their totals",
      provider: "openai",
      body: {
        usage: {
          prompt_tokens: 10,
          completion_tokens: 4,
          prompt_tokens_details: { cached_tokens: 8, cache_write_tokens: 8 },
          completion_tokens_details: { reasoning_tokens: 9 },
        },
      },
      expected: usage({ inputTokens: 10, outputTokens: 4, cachedInputTokens: 8, cacheWriteTokens: 2, reasoningTokens: 4 }),
    },
  ];

  for (const { name, provider, body, expected } of cases) {
    test(name, () => expect(usageFromBody(provider, body)).toEqual(expected));
  }
});

/** Folds every chunk of a stream, the way the tap does. */
function foldAll(provider: ProviderId, chunks: unknown[]): StreamUsageState {
  return chunks.reduce<StreamUsageState>((state, chunk) => foldStreamChunk(provider, state, chunk), initialStreamUsage());
}

describe("foldStreamChunk", () => {
  const cases: { name: string; provider: ProviderId; chunks: unknown[]; expected: StreamUsageState }[] = [
    {
      name: "OpenAI: usage from the trailing usage-only chunk (§1.2)",
      provider: "openai",
      chunks: streamChunks("openai-stream.sse"),
      expected: { usage: usage({ inputTokens: 78, outputTokens: 9, cachedInputTokens: 0, reasoningTokens: 0 }), responseModel: "gpt-4o-mini-2024-07-18" },
    },
    {
      name: "Groq Sept 2025: x_groq.usage on the finish chunk (§3.2)",
      provider: "groq",
      chunks: streamChunks("groq-stream.sse"),
      expected: { usage: usage({ inputTokens: 21, outputTokens: 988 }), responseModel: "deepseek-r1-distill-llama-70b" },
    },
    {
      name: "Groq Feb 2026: both usage copies, counted once (§3.2)",
      provider: "groq",
      chunks: streamChunks("groq-stream-both-usages.sse"),
      expected: { usage: usage({ inputTokens: 304, outputTokens: 49, reasoningTokens: 23 }), responseModel: "openai/gpt-oss-120b" },
    },
    {
      name: "Gemini: cumulative usage on every chunk, the latest replaces (105 total, not 103 + 105) (§4.2)",
      provider: "gemini",
      chunks: streamChunks("gemini-stream.sse"),
      expected: { usage: usage({ inputTokens: 9, outputTokens: 96, reasoningTokens: 93 }), responseModel: "gemini-3-flash-preview" },
    },
    {
      name: "Gemini: the first chunk alone (total 103)",
      provider: "gemini",
      chunks: streamChunks("gemini-stream.sse").slice(0, 1),
      expected: { usage: usage({ inputTokens: 9, outputTokens: 94, reasoningTokens: 93 }), responseModel: "gemini-3-flash-preview" },
    },
    {
      name: "Azure: the leading chunk's empty model is skipped (§5.2)",
      provider: "azure",
      chunks: [
        json("azure-stream-prompt-filter-chunk.json"),
        { id: "chatcmpl-1", model: "gpt-4o-2024-11-20", choices: [{ index: 0, delta: { content: "Hi" } }], usage: null },
        { id: "chatcmpl-1", model: "gpt-4o-2024-11-20", choices: [], usage: { prompt_tokens: 14, completion_tokens: 9, total_tokens: 23 } },
      ],
      expected: { usage: usage({ inputTokens: 14, outputTokens: 9 }), responseModel: "gpt-4o-2024-11-20" },
    },
    {
      name: "the first non-empty model wins",
      provider: "openai",
      chunks: [{ model: 7 }, { model: "" }, { model: "a" }, { model: "b" }],
      expected: { usage: undefined, responseModel: "a" },
    },
    {
      name: "a later usage: null does not erase the usage seen",
      provider: "anthropic",
      chunks: [{ usage: { prompt_tokens: 3, completion_tokens: 2 } }, { usage: null }, "garbage", null],
      expected: { usage: usage({ inputTokens: 3, outputTokens: 2 }), responseModel: undefined },
    },
    { name: "no chunks", provider: "groq", chunks: [], expected: { usage: undefined, responseModel: undefined } },
  ];

  for (const { name, provider, chunks, expected } of cases) {
    test(name, () => expect(foldAll(provider, chunks)).toEqual(expected));
  }

  test("a chunk that changes nothing returns the same state", () => {
    const state = foldStreamChunk("openai", initialStreamUsage(), { model: "m" });
    expect(foldStreamChunk("openai", state, { model: "other", usage: null })).toBe(state);
  });
});

describe("isUsageOnlyChunk", () => {
  const openai = streamChunks("openai-stream.sse");
  const groq = streamChunks("groq-stream-both-usages.sse");
  const cases: { name: string; chunk: unknown; expected: boolean }[] = [
    { name: "OpenAI usage chunk", chunk: openai.at(-1), expected: true },
    { name: "OpenAI content chunk (usage: null)", chunk: openai[1], expected: false },
    { name: "OpenAI finish chunk", chunk: openai[2], expected: false },
    { name: "Azure prompt-filter chunk", chunk: json("azure-stream-prompt-filter-chunk.json"), expected: false },
    {
      name: "Azure prompt-filter chunk even with a usage object",
      chunk: { choices: [], usage: { prompt_tokens: 1 }, prompt_filter_results: [] },
      expected: false,
    },
    { name: "Groq finish chunk with usage (choices not empty)", chunk: groq[0], expected: false },
    { name: "usage: null with choices []", chunk: { choices: [], usage: null }, expected: false },
    { name: "no choices key", chunk: { usage: { prompt_tokens: 1 } }, expected: false },
    { name: "usage not an object", chunk: { choices: [], usage: 5 }, expected: false },
    { name: "not an object", chunk: [], expected: false },
    { name: "null", chunk: null, expected: false },
  ];
  for (const { name, chunk, expected } of cases) {
    test(name, () => expect(isUsageOnlyChunk(chunk)).toBe(expected));
  }
});

describe("mayCarryUsage", () => {
  const streams: [ProviderId, string][] = [
    ["openai", "openai-stream.sse"],
    ["groq", "groq-stream.sse"],
    ["groq", "groq-stream-both-usages.sse"],
    ["groq", "groq-stream-error.sse"],
    ["gemini", "gemini-stream.sse"],
  ];
  const bodies: [ProviderId, string][] = [
    ["openai", "openai-o3-mini.json"],
    ["openai", "openai-embeddings.json"],
    ["azure", "azure-chat.json"],
    ["azure", "azure-stream-prompt-filter-chunk.json"],
    ["groq", "groq-chat.json"],
    ["gemini", "gemini-chat.json"],
  ];

  test("true for every captured chunk or body that carries usage, however it is spaced", () => {
    const data: [ProviderId, string][] = [
      ...streams.flatMap(([p, name]) =>
        streamData(name).flatMap((d) => (name.startsWith("gemini") ? d.split("\n") : [d])).map((d): [ProviderId, string] => [p, d]),
      ),
      ...bodies.map(([p, name]): [ProviderId, string] => [p, text(name)]),
    ];
    const checked = data.flatMap(([provider, d]) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(d);
      } catch {
        return [];
      }
      return [d, JSON.stringify(parsed), JSON.stringify(parsed, null, 2), JSON.stringify(parsed, null, "\t")]
        .filter(() => usageFromBody(provider, parsed) !== undefined)
        .map((s) => ({ s: s.slice(0, 40), may: mayCarryUsage(s) }));
    });
    expect(checked.length).toBe(4 * 10);
    expect(checked.filter((c) => !c.may)).toEqual([]);
  });

  const cases: { name: string; data: string; expected: boolean }[] = [
    { name: "OpenAI content chunk with usage: null", data: streamData("openai-stream.sse")[1]!, expected: false },
    { name: "[DONE]", data: "[DONE]", expected: false },
    { name: "Azure prompt-filter chunk", data: text("azure-stream-prompt-filter-chunk.json"), expected: false },
    { name: "Groq first chunk (x_groq without usage)", data: streamData("groq-stream.sse")[0]!, expected: false },
    { name: "Groq in-stream error", data: streamData("groq-stream-error.sse")[0]!, expected: false },
    { name: "spaced usage object", data: '{"usage" :\n {"prompt_tokens": 1}}', expected: true },
  ];
  for (const { name, data, expected } of cases) {
    test(name, () => expect(mayCarryUsage(data)).toBe(expected));
  }
});
