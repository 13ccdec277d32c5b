/** Usage of batches, images and transcriptions: what the body reports, never a 0 for what it leaves out. */
import { describe, expect, test } from "bun:test";
import { readBodyUsage } from "../../src/providers/endpoint-usage.ts";
import { endpointFor } from "../../src/providers/endpoints.ts";
import { readBatch, readImages, readTranscription } from "../../src/providers/object-usage.ts";

const batchUsage = { input_tokens: 2082, input_tokens_details: { cached_tokens: 82 }, output_tokens: 1000, output_tokens_details: { reasoning_tokens: 10 }, total_tokens: 3082 };
const tokens = { inputTokens: 2082, outputTokens: 1000, cachedInputTokens: 82, cacheWriteTokens: null, reasoningTokens: 10 };

describe("batches", () => {
  test.each([
    ["completed", true],
    ["expired", true],
    ["cancelled", true],
    ["in_progress", false],
    ["validating", false],
    ["finalizing", false],
  ])("status %s: priced %p", (status, priced) => {
    const reading = readBatch({ id: "batch_1", object: "batch", status, model: "gpt-4o-mini", usage: batchUsage });
    expect(reading).toEqual(priced ? { usage: tokens, responseModel: "gpt-4o-mini", billing: { batch: true } } : { usage: undefined, responseModel: "gpt-4o-mini", billing: undefined });
  });

  test("a completed batch without usage (created before 2025-09-07) or with counts missing has none", () => {
    expect(readBatch({ id: "batch_1", object: "batch", status: "completed" }).usage).toBeUndefined();
    expect(readBatch({ id: "batch_1", object: "batch", status: "completed", usage: { input_tokens: 5 } }).usage).toBeUndefined();
    expect(readBatch({ object: "list", data: [] }).usage).toBeUndefined();
  });

  test("through the row: the claim names the batch", () => {
    const body = { id: "batch_1", object: "batch", status: "completed", model: "gpt-4o-mini", usage: batchUsage };
    expect(readBodyUsage(endpointFor("/batches/batch_1"), "openai", body).billing).toEqual({ batch: true, claim: "batch:batch_1" });
  });
});

describe("images", () => {
  const gptImage = { input_tokens: 1014, input_tokens_details: { text_tokens: 14, image_tokens: 1000 }, output_tokens: 272, total_tokens: 1286 };
  test("GPT image models: tokens, the image input part apart", () => {
    expect(readImages({ data: [{}], usage: gptImage }, { json: { model: "gpt-image-1" }, model: "gpt-image-1" }).usage).toEqual({
      inputTokens: 1014,
      outputTokens: 272,
      cachedInputTokens: null,
      cacheWriteTokens: null,
      reasoningTokens: null,
      imageInputTokens: 1000,
    });
  });

  test.each([
    [{ model: "dall-e-3" }, 1, "standard/1024x1024"],
    [{ model: "dall-e-3", quality: "hd", size: "1792x1024" }, 1, "hd/1792x1024"],
    [{ model: "dall-e-2", n: 3, size: "256x256" }, 3, "standard/256x256"],
  ])("DALL·E %j: the images returned, the quality and size asked for", (json, images, variant) => {
    const body = { created: 1, data: Array.from({ length: images }, () => ({ url: "u" })) };
    expect(readImages(body, { json, model: json.model }).billing).toEqual({ units: { unit: "image", count: images, variant } });
  });

  test("unknown: a multipart edit (size not read), an unknown model, no images", () => {
    expect(readImages({ data: [{ url: "u" }] }, { json: undefined, model: "dall-e-2" })).toEqual({ usage: undefined, responseModel: undefined });
    expect(readImages({ data: [{ url: "u" }] }, { json: { model: "x" }, model: "x" }).billing).toBeUndefined();
    expect(readImages({ data: [] }, { json: { model: "dall-e-3" }, model: "dall-e-3" }).billing).toBeUndefined();
  });
});

describe("transcriptions", () => {
  test("tokens (gpt-4o-transcribe), the audio input part apart", () => {
    const usage = { type: "tokens", input_tokens: 120, input_token_details: { text_tokens: 5, audio_tokens: 115 }, output_tokens: 30, total_tokens: 150 };
    expect(readTranscription({ text: "x", usage }).usage).toEqual({ inputTokens: 120, outputTokens: 30, cachedInputTokens: null, cacheWriteTokens: null, reasoningTokens: null, audioInputTokens: 115 });
  });

  test("seconds: whisper-1's duration usage, or a verbose_json duration (Groq)", () => {
    expect(readTranscription({ text: "x", usage: { type: "duration", seconds: 42 } }).billing).toEqual({ units: { unit: "second", count: 42 } });
    expect(readTranscription({ text: "x", duration: 4.2, x_groq: { id: "r" } }).billing).toEqual({ units: { unit: "second", count: 4.2 } });
  });

  test("nothing reported, or nonsense: no usage", () => {
    for (const body of [{ text: "x" }, { text: "x", duration: -1 }, { text: "x", duration: "42" }, { text: "x", usage: { type: "tokens", input_tokens: 3 } }]) {
      const reading = readTranscription(body);
      expect([reading.usage, reading.billing]).toEqual([undefined, undefined]);
    }
  });
});

describe("responses", () => {
  const completed = { id: "resp_1", object: "response", status: "completed", model: "gpt-4o-mini", usage: { input_tokens: 10, output_tokens: 2 } };
  test("a response with usage claims its id, on POST and on a read", () => {
    for (const path of ["/responses", "/responses/resp_1"]) expect(readBodyUsage(endpointFor(path), "openai", completed).billing).toEqual({ claim: "response:resp_1" });
  });
  test("a background response still queued is deferred, not unknown", () => {
    const queued = { ...completed, status: "queued", usage: null };
    expect(readBodyUsage(endpointFor("/responses"), "openai", queued)).toEqual({ usage: undefined, responseModel: "gpt-4o-mini", billing: { deferred: true } });
  });
  test("pass-through paths read nothing, even a stored chat completion with its usage", () => {
    const stored = { id: "chatcmpl-1", object: "chat.completion", model: "gpt-4o", usage: { prompt_tokens: 10, completion_tokens: 2 } };
    expect(readBodyUsage(endpointFor("/chat/completions/chatcmpl-1"), "openai", stored)).toEqual({ usage: undefined, responseModel: "gpt-4o" });
  });
});
