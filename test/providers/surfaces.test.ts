/** Which row, family and providers a path reaches, and the usage Gemini's native API reports (pure). */
import { describe, expect, test } from "bun:test";
import { endpoints } from "../../src/providers/endpoints.ts";
import { foldEvent, initialStreamState, mapTokens, readBodyUsage } from "../../src/providers/endpoint-usage.ts";
import { chooseForPath, servingProviders } from "../../src/providers/detect.ts";
import { matchPath } from "../../src/providers/surfaces.ts";

describe("matchPath", () => {
  test.each([
    ["/v1/chat/completions", "v1", "chat_completions", "/chat/completions", undefined],
    ["/v1/messages", "v1", "messages", "/messages", undefined],
    ["/openai/v1/chat/completions", "openai-v1", "chat_completions", "/chat/completions", undefined],
    ["/openai/v1/models", "openai-v1", "other", "/models", undefined],
    ["/openai/deployments/prod%2Dgpt/chat/completions", "azure-deployment", "chat_completions", "/chat/completions", "prod-gpt"],
    ["/v1/deployments/prod/embeddings", "azure-deployment", "embeddings", "/embeddings", "prod"],
    ["/openai/files", "azure", "other", "/files", undefined],
    ["/v1beta/models/gemini-2.5-flash:generateContent", "gemini", "generate_content", "/v1beta/models/gemini-2.5-flash:generateContent", "gemini-2.5-flash"],
    ["/v1beta/models/gemini-2.5-flash:streamGenerateContent", "gemini", "generate_content", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "gemini-2.5-flash"],
    ["/v1beta/models/gemini-2.5-flash:countTokens", "gemini", "count_tokens", "/v1beta/models/gemini-2.5-flash:countTokens", "gemini-2.5-flash"],
    ["/v1beta/models/gemini-embedding-001:batchEmbedContents", "gemini", "embed_content", "/v1beta/models/gemini-embedding-001:batchEmbedContents", "gemini-embedding-001"],
    ["/v1/models/gemini-2.5-pro:generateContent", "gemini", "generate_content", "/v1/models/gemini-2.5-pro:generateContent", "gemini-2.5-pro"],
    ["/v1beta/files", "gemini", "gemini_other", "/v1beta/files", undefined],
    ["/v1/models/gpt-4o", "v1", "other", "/models/gpt-4o", undefined],
  ])("%s", (path, surface, endpoint, rest, model) => {
    const m = matchPath(path)!;
    expect([m.surface, m.endpoint.id, m.path, m.model]).toEqual([surface, endpoint, rest, model] as never);
  });

  test("paths outside the families are not proxied", () => {
    expect([matchPath("/openai"), matchPath("/v2/chat"), matchPath("/graphql")]).toEqual([undefined, undefined, undefined]);
  });
});

describe("servingProviders and chooseForPath", () => {
  const at = (path: string) => matchPath(path)!;
  test("each endpoint row lists the providers that serve it; a family narrows them", () => {
    expect(servingProviders(at("/v1/messages"))).toEqual(["anthropic"]);
    expect(servingProviders(at("/v1/responses"))).toEqual(["openai", "groq", "azure", "xai", "openrouter"]);
    expect(servingProviders(at("/openai/v1/chat/completions"))).toEqual(["groq", "azure"]);
    expect(servingProviders(at("/v1beta/models/x:generateContent"))).toEqual(["gemini"]);
  });

  test("/openai/v1: Groq unless X-Lectr-Provider says azure; a model of any other provider is refused", () => {
    const m = at("/openai/v1/chat/completions");
    expect(chooseForPath(m, null, "llama-3.3-70b-versatile")).toEqual({ ok: true, value: { provider: "groq", source: "detected", unknown: false } });
    expect(chooseForPath(m, null, "my-model")).toEqual({ ok: true, value: { provider: "groq", source: "default", unknown: true } });
    expect(chooseForPath(m, "azure", "prod-gpt4o")).toEqual({ ok: true, value: { provider: "azure", source: "header", unknown: false } });
    expect(chooseForPath(m, null, "gpt-4o")).toEqual({ ok: false, error: { kind: "provider_not_served", provider: "openai", serving: ["groq", "azure"] } });
  });

  test("an Azure path names Azure whatever the deployment is called; another provider's header is refused", () => {
    const m = at("/openai/deployments/gpt-4o/chat/completions");
    expect(chooseForPath(m, null, "gpt-4o")).toEqual({ ok: true, value: { provider: "azure", source: "detected", unknown: false } });
    expect(chooseForPath(m, "openai", "gpt-4o")).toEqual({ ok: false, error: { kind: "provider_not_served", provider: "openai", serving: ["azure"] } });
    expect(chooseForPath(m, "bogus", "gpt-4o")).toEqual({ ok: false, error: { kind: "invalid_provider", value: "bogus" } });
  });
});

describe("Gemini native usage (usageMetadata)", () => {
  const row = endpoints.generate_content;
  const fields = row.usage === "chat" ? undefined : row.usage.fields;

  test("thoughts and tool-use prompt tokens are billed; cached content is inside the prompt count", () => {
    const usage = { promptTokenCount: 1200, cachedContentTokenCount: 1000, toolUsePromptTokenCount: 30, candidatesTokenCount: 40, thoughtsTokenCount: 300, totalTokenCount: 1570 };
    expect(mapTokens(fields!, usage)).toEqual({ inputTokens: 1230, outputTokens: 340, cachedInputTokens: 1000, cacheWriteTokens: null, reasoningTokens: 300 });
  });

  test("counts left out are zeros (proto3 JSON), not unknowns; without a prompt count nothing is known", () => {
    expect(mapTokens(fields!, { promptTokenCount: 8, totalTokenCount: 8 })).toEqual({ inputTokens: 8, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: null, reasoningTokens: 0 });
    expect(mapTokens(fields!, { totalTokenCount: 8 })).toBeUndefined();
  });

  test("a body's usageMetadata and modelVersion; countTokens reports none", () => {
    const body = { candidates: [], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2 }, modelVersion: "gemini-2.5-flash-001" };
    expect(readBodyUsage(row, "gemini", body)).toEqual({ usage: { inputTokens: 5, outputTokens: 2, cachedInputTokens: 0, cacheWriteTokens: null, reasoningTokens: 0 }, responseModel: "gemini-2.5-flash-001" });
    expect(readBodyUsage(endpoints.count_tokens, "gemini", { totalTokens: 5 }).usage).toBeUndefined();
  });

  test("stream frames carry no type: the counts so far merge, the last frame's win", () => {
    let state = initialStreamState();
    state = foldEvent(row, "gemini", state, undefined, { usageMetadata: { promptTokenCount: 10, thoughtsTokenCount: 50, totalTokenCount: 62, candidatesTokenCount: 2 }, modelVersion: "gemini-2.5-pro" });
    state = foldEvent(row, "gemini", state, undefined, { usageMetadata: { promptTokenCount: 10, thoughtsTokenCount: 50, totalTokenCount: 75, candidatesTokenCount: 15 } });
    expect([state.usage, state.responseModel]).toEqual([{ inputTokens: 10, outputTokens: 65, cachedInputTokens: 0, cacheWriteTokens: null, reasoningTokens: 50 }, "gemini-2.5-pro"]);
  });
});
