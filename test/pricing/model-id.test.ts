import { describe, expect, test } from "bun:test";
import type { ProviderId } from "../../src/providers/types.ts";
import { stripVersionSuffix } from "../../src/pricing/model-id.ts";
import { builtinPrices } from "../../src/pricing/registry.ts";

describe("stripVersionSuffix", () => {
  test.each([
    ["openai", "gpt-4o-2024-08-06", { base: "gpt-4o", kind: "snapshot" }],
    ["openai", "gpt-4-0613", { base: "gpt-4", kind: "snapshot" }],
    ["openai", "o3-mini-2025-01-31", { base: "o3-mini", kind: "snapshot" }],
    ["openai", "gpt-5-chat-latest", { base: "gpt-5-chat", kind: "latest" }],
    ["openai", "gpt-4o", undefined],
    ["openai", "gpt-4o-2024-13-06", undefined], // month 13: not a date
    ["anthropic", "claude-sonnet-4-5-20250929", { base: "claude-sonnet-4-5", kind: "snapshot" }],
    ["anthropic", "claude-3-5-haiku-latest", { base: "claude-3-5-haiku", kind: "latest" }],
    ["anthropic", "claude-opus-4-6", undefined],
    ["gemini", "gemini-2.0-flash-001", { base: "gemini-2.0-flash", kind: "snapshot" }],
    ["gemini", "gemini-2.5-flash-preview-05-20", { base: "gemini-2.5-flash-preview", kind: "snapshot" }],
    ["gemini", "gemini-2.5-flash-preview-09-2025", { base: "gemini-2.5-flash-preview", kind: "snapshot" }],
    ["gemini", "gemini-flash-latest", { base: "gemini-flash", kind: "latest" }],
    ["groq", "moonshotai/kimi-k2-instruct-0905", { base: "moonshotai/kimi-k2-instruct", kind: "snapshot" }],
    ["groq", "llama3-70b-8192", undefined], // context size, not a date
    ["groq", "llama-3.3-70b-versatile", undefined],
    ["groq", "llama-3.1-8b-instant", undefined],
  ] as const)("%s %s", (provider, id, expected) => {
    expect(stripVersionSuffix(provider, id)).toEqual(expected);
  });
});

// [provider, raw id, registry id it prices as (undefined = unpriced)]
const resolutions: readonly (readonly [ProviderId, string, string | undefined])[] = [
  ["openai", "gpt-4o", "gpt-4o"],
  ["openai", "gpt-4o-2024-08-06", "gpt-4o"],
  ["openai", "gpt-4o-2024-11-20", "gpt-4o"],
  ["openai", "gpt-4o-2024-05-13", "gpt-4o-2024-05-13"], // own price, not gpt-4o's
  ["openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"], // never the shorter gpt-4o
  ["openai", "o3-mini-2025-01-31", "o3-mini"],
  ["openai", "o3-2025-04-16", "o3"],
  ["openai", "gpt-3.5-turbo-0125", "gpt-3.5-turbo"],
  ["openai", "gpt-3.5-turbo-0613", undefined], // priced apart from gpt-3.5-turbo; not in the registry
  ["openai", "gpt-3.5-turbo-1106", undefined],
  ["openai", "gpt-4-0613", undefined], // strips to gpt-4, which has no row
  ["openai", "chatgpt-4o-latest", "chatgpt-4o-latest"],
  ["openai", "gpt-5-chat-latest", undefined], // gpt-5-chat has no row; never gpt-5 by prefix
  ["openai", "gpt-4o-mini-search-preview", undefined],
  ["openai", "gpt-35-turbo", undefined], // Azure's spelling only on Azure
  ["openai", "claude-sonnet-4-5", undefined], // no cross-provider matches
  ["anthropic", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022"],
  ["anthropic", "claude-3-5-sonnet-20240620", "claude-3-5-sonnet-20240620"],
  ["anthropic", "claude-3-5-sonnet", "claude-3-5-sonnet-20241022"], // alias → newest snapshot
  ["anthropic", "claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022"],
  ["anthropic", "claude-3-5-haiku", "claude-3-5-haiku-20241022"],
  ["anthropic", "claude-3-5-haiku-latest", "claude-3-5-haiku-20241022"],
  ["anthropic", "claude-3-7-sonnet-latest", "claude-3-7-sonnet-20250219"],
  ["anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929"],
  ["anthropic", "claude-haiku-4-5", "claude-haiku-4-5-20251001"],
  ["anthropic", "claude-opus-4-1", "claude-opus-4-1-20250805"],
  ["anthropic", "claude-opus-4-5", "claude-opus-4-5-20251101"],
  ["anthropic", "claude-opus-4", "claude-opus-4-20250514"], // not opus-4-1 / opus-4-5
  ["anthropic", "claude-sonnet-4-0", "claude-sonnet-4-20250514"],
  ["anthropic", "claude-opus-4-0", "claude-opus-4-20250514"],
  ["anthropic", "claude-sonnet-4-6", "claude-sonnet-4-6"],
  ["anthropic", "claude-sonnet-4-6-20260217", "claude-sonnet-4-6"], // dated id → undated row
  ["anthropic", "claude-3-5-haiku-20250101", undefined], // an unknown snapshot is not another snapshot's price
  ["anthropic", "claude-opus-4-8", undefined],
  ["gemini", "gemini-2.5-flash", "gemini-2.5-flash"],
  ["gemini", "models/gemini-2.5-flash", "gemini-2.5-flash"],
  ["gemini", "gemini-2.5-flash-lite", "gemini-2.5-flash-lite"],
  ["gemini", "gemini-2.0-flash-001", "gemini-2.0-flash"],
  ["gemini", "models/gemini-2.0-flash-lite-001", "gemini-2.0-flash-lite"],
  ["gemini", "gemini-1.5-pro-002", "gemini-1.5-pro"],
  ["gemini", "gemini-1.5-flash-latest", "gemini-1.5-flash"],
  ["gemini", "gemini-3-pro-preview-11-2025", "gemini-3-pro-preview"],
  ["gemini", "gemini-2.5-flash-preview-05-20", undefined], // preview, not the GA price
  ["gemini", "gemini-2.0-flash-exp", undefined],
  ["gemini", "gemini-flash-latest", undefined],
  ["gemini", "gemini-embedding-001", "gemini-embedding-001"],
  ["groq", "moonshotai/kimi-k2-instruct-0905", "moonshotai/kimi-k2-instruct"],
  ["groq", "llama-3.3-70b-versatile", "llama-3.3-70b-versatile"],
  ["groq", "llama-3.3-70b", undefined],
  ["groq", "llama3-70b-8192", "llama3-70b-8192"],
  ["groq", "openai/gpt-oss-20b", "openai/gpt-oss-20b"],
  ["groq", "gpt-4o", undefined],
  ["azure", "o4-mini", "o4-mini"],
  ["azure", "o4-mini-2025-04-16", "o4-mini"],
  ["azure", "gpt-4o", "gpt-4o"],
  ["azure", "gpt-4o-2024-11-20", "gpt-4o"],
  ["azure", "gpt-35-turbo", "gpt-3.5-turbo"],
  ["azure", "gpt-35-turbo-0125", "gpt-3.5-turbo"],
  ["azure", "gpt-35-turbo-0613", undefined],
  ["azure", "my-deployment", undefined],
];

describe("resolveModelId", () => {
  test.each(resolutions)("%s %s → %p", (provider, raw, expected) => {
    expect(builtinPrices.resolveModelId(provider, raw)).toBe(expected);
  });
});
