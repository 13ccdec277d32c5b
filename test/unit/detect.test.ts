import { describe, expect, test } from "bun:test";
import { chooseProvider, detectProvider } from "../../src/providers/detect.ts";

// Every example the detection contract names, plus date-suffixed ids.
const table: [string, string | undefined][] = [
  ["gpt-4o", "openai"],
  ["gpt-4o-2024-08-06", "openai"],
  ["gpt-4o-mini", "openai"],
  ["gpt-4.1-nano", "openai"],
  ["gpt-5.5", "openai"],
  ["o1", "openai"],
  ["o1-mini", "openai"],
  ["o3-mini-2025-01-31", "openai"],
  ["o4-mini", "openai"],
  ["chatgpt-4o-latest", "openai"],
  ["text-embedding-3-small", "openai"],
  ["text-embedding-ada-002", "openai"],
  ["davinci-002", "openai"],
  ["babbage-002", "openai"],
  ["dall-e-3", "openai"],
  ["whisper-1", "openai"],
  ["tts-1-hd", "openai"],
  ["gpt-image-1", "openai"],
  ["omni-moderation-latest", "openai"],
  ["claude-3-5-sonnet-20241022", "anthropic"],
  ["claude-3-opus-20240229", "anthropic"],
  ["claude-sonnet-4-5", "anthropic"],
  ["claude-opus-4-7", "anthropic"],
  ["gemini-1.5-pro", "gemini"],
  ["gemini-2.5-flash-preview-05-20", "gemini"],
  ["models/gemini-2.0-flash", "gemini"],
  ["text-embedding-004", "gemini"],
  ["gemma-3-27b-it", "gemini"],
  ["llama-3.1-70b-versatile", "groq"],
  ["llama-3.3-70b-versatile", "groq"],
  ["llama3-8b-8192", "groq"],
  ["meta-llama/llama-4-scout-17b-16e-instruct", "groq"],
  ["mixtral-8x7b-32768", "groq"],
  ["gemma2-9b-it", "groq"],
  ["qwen/qwen3-32b", "groq"],
  ["qwen-qwq-32b", "groq"],
  ["deepseek-r1-distill-llama-70b", "groq"],
  ["openai/gpt-oss-120b", "groq"],
  ["moonshotai/kimi-k2-instruct-0905", "groq"],
  ["whisper-large-v3-turbo", "groq"],
  ["GPT-4O", "openai"],
  ["my-custom-model", undefined],
  ["", undefined],
];

describe("detectProvider", () => {
  test.each(table)("%p → %p", (model, provider) => {
    expect(detectProvider(model)).toBe(provider as never);
  });
});

describe("chooseProvider", () => {
  test("the header wins over detection, case-insensitively", () => {
    expect(chooseProvider("Anthropic", "gpt-4o")).toEqual({
      ok: true,
      value: { provider: "anthropic", source: "header", unknown: false },
    });
  });
  test("a detected model", () => {
    expect(chooseProvider(null, "claude-3-5-sonnet-20241022")).toEqual({
      ok: true,
      value: { provider: "anthropic", source: "detected", unknown: false },
    });
  });
  test("an unknown model defaults to openai and says so", () => {
    expect(chooseProvider(null, "my-custom-model")).toEqual({
      ok: true,
      value: { provider: "openai", source: "default", unknown: true },
    });
  });
  test("an invalid header value is an error naming it", () => {
    expect(chooseProvider("bedrock", "gpt-4o")).toEqual({ ok: false, error: { kind: "invalid_provider", value: "bedrock" } });
  });
});

test("a request with no model to go by: a header only one provider's clients send names it; the model still wins", () => {
  const anthropicSdk = new Headers({ "anthropic-version": "2023-06-01" });
  expect(chooseProvider(null, "", "openai", anthropicSdk)).toEqual({ ok: true, value: { provider: "anthropic", source: "detected", unknown: false } });
  expect(chooseProvider(null, "gpt-4o", "openai", anthropicSdk)).toEqual({ ok: true, value: { provider: "openai", source: "detected", unknown: false } });
  expect(chooseProvider("groq", "", "openai", anthropicSdk)).toEqual({ ok: true, value: { provider: "groq", source: "header", unknown: false } });
  expect(chooseProvider(null, "", "openai", new Headers())).toEqual({ ok: true, value: { provider: "openai", source: "default", unknown: true } });
});
