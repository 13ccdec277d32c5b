/**
 * Pinned endpoints, pinned credentials: every credential form × every endpoint × all nine providers, through
 * the real server, asserting what reached each mock upstream. A request goes only to a provider that
 * serves its endpoint and carries only that provider's credential forms; a model of any other provider
 * gets a 400 in the endpoint's own error shape, one event, and nothing forwarded. The expectations are
 * written out here from the providers' docs, not derived from Lectr's tables.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ProviderId } from "../../src/providers/types.ts";
import { startFixture, type Fixture } from "../helpers/fixture.ts";

let f: Fixture;
let sent = 0;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(() => f.stop());

type Form = "bearer" | "x-api-key" | "x-goog-api-key" | "key-param" | "api-key";
const forms: Form[] = ["bearer", "x-api-key", "x-goog-api-key", "key-param", "api-key"];
const canary = (form: Form) => `canary-${form}-0123456789`;

/** How each form is sent. */
function attach(form: Form, headers: Record<string, string>): string {
  if (form === "key-param") return `key=${canary(form)}`;
  headers[form === "bearer" ? "authorization" : form] = form === "bearer" ? `Bearer ${canary(form)}` : canary(form);
  return "";
}

/** The forms each provider takes, from its docs: a key in any other form is some other provider's. */
const takes: Record<ProviderId, Form[]> = {
  openai: ["bearer"],
  anthropic: ["x-api-key", "bearer"],
  groq: ["bearer"],
  gemini: ["x-goog-api-key", "key-param", "bearer"],
  azure: ["api-key", "bearer"],
  mistral: ["bearer"],
  deepseek: ["bearer"],
  xai: ["bearer"],
  openrouter: ["bearer"],
};

const models: Record<ProviderId, string> = {
  openai: "gpt-4o-mini",
  anthropic: "claude-sonnet-4-5",
  groq: "llama-3.3-70b-versatile",
  gemini: "gemini-2.5-flash",
  azure: "prod-gpt4o",
  mistral: "mistral-large-latest",
  deepseek: "deepseek-chat",
  xai: "grok-4",
  openrouter: "anthropic/claude-sonnet-4",
};

interface Endpoint {
  name: string;
  path: (model: string) => string;
  method: "POST" | "GET";
  /** Who serves it, from the providers' docs. */
  servedBy: ProviderId[];
  shape: "openai" | "anthropic" | "google";
  /** The provider is named by X-Lectr-Provider rather than by the model (the path names none, or a deployment). */
  byHeader?: boolean;
}

const endpoints: Endpoint[] = [
  { name: "chat completions", path: () => "/v1/chat/completions", method: "POST", servedBy: ["openai", "anthropic", "groq", "gemini", "azure", "mistral", "deepseek", "xai", "openrouter"], shape: "openai" },
  { name: "completions", path: () => "/v1/completions", method: "POST", servedBy: ["openai", "azure", "openrouter"], shape: "openai" },
  { name: "embeddings", path: () => "/v1/embeddings", method: "POST", servedBy: ["openai", "gemini", "azure", "mistral", "openrouter"], shape: "openai" },
  { name: "responses", path: () => "/v1/responses", method: "POST", servedBy: ["openai", "groq", "azure", "xai", "openrouter"], shape: "openai" },
  { name: "messages", path: () => "/v1/messages", method: "POST", servedBy: ["anthropic"], shape: "anthropic" },
  { name: "models (pass-through)", path: () => "/v1/models", method: "GET", servedBy: ["openai", "anthropic", "groq", "gemini", "azure", "mistral", "deepseek", "xai", "openrouter"], shape: "openai", byHeader: true },
  { name: "Groq / Azure v1 path", path: () => "/openai/v1/chat/completions", method: "POST", servedBy: ["groq", "azure"], shape: "openai" },
  { name: "Azure deployment path", path: () => "/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21", method: "POST", servedBy: ["azure"], shape: "openai", byHeader: true },
  { name: "Gemini native path", path: (m) => `/v1beta/models/${m}:generateContent`, method: "POST", servedBy: ["gemini"], shape: "google" },
];

const providers: ProviderId[] = ["openai", "anthropic", "groq", "gemini", "azure", "mistral", "deepseek", "xai", "openrouter"];

/** Which mocks received anything, and which canaries arrived anywhere (headers, query or body). */
function reached(): { mocks: ProviderId[]; canaries: Form[] } {
  const mocks = providers.filter((p) => f.mocks[p].requests.length > 0);
  const seen = JSON.stringify(providers.map((p) => f.mocks[p].requests));
  return { mocks, canaries: forms.filter((form) => seen.includes(canary(form))) };
}

async function call(e: Endpoint, provider: ProviderId, with_: Form[]): Promise<{ status: number; text: string }> {
  for (const p of providers) f.mocks[p].reset();
  const headers: Record<string, string> = { "x-lectr-key": f.lectr.key, "content-type": "application/json" };
  if (provider === "azure" || e.byHeader) headers["x-lectr-provider"] = provider;
  const params = with_.map((form) => attach(form, headers)).filter((q) => q !== "");
  const path = e.path(models[provider]);
  const url = params.length === 0 ? path : `${path}${path.includes("?") ? "&" : "?"}${params.join("&")}`;
  const body = e.method === "GET" ? undefined : JSON.stringify({ model: models[provider], messages: [{ role: "user", content: "Hi" }], input: "Hi", prompt: "Hi", max_tokens: 8 });
  sent++;
  const res = await f.lectr.request(url, { method: e.method, headers, body });
  return { status: res.status, text: await res.text() };
}

function errorOf(shape: Endpoint["shape"], body: unknown): { status?: unknown; type?: unknown } {
  const b = body as { type?: string; error?: { code?: unknown; type?: unknown; status?: unknown } };
  if (shape === "anthropic") return { type: b.type, status: b.error?.type };
  if (shape === "google") return { type: b.error?.code, status: b.error?.status };
  return { type: b.error?.type, status: b.error?.code };
}

const refusal: Record<Endpoint["shape"], { type: unknown; status: unknown }> = { openai: { type: "invalid_request_error", status: "provider_not_served" }, anthropic: { type: "error", status: "invalid_request_error" }, google: { type: 400, status: "INVALID_ARGUMENT" } };

describe.each(endpoints)("$name", (e) => {
  test.each(providers)("%s: each credential form alone, then all at once", async (provider) => {
    const served = e.servedBy.includes(provider);
    for (const form of forms) {
      const res = await call(e, provider, [form]);
      const got = reached();
      if (!served) {
        expect(res.status).toBe(400);
        expect(got).toEqual({ mocks: [], canaries: [] });
        continue;
      }
      expect(got.mocks).toEqual([provider]);
      expect(got.canaries).toEqual(takes[provider].includes(form) ? [form] : []);
    }
    const res = await call(e, provider, forms);
    const got = reached();
    if (!served) {
      expect(res.status).toBe(400);
      expect(errorOf(e.shape, JSON.parse(res.text))).toEqual(refusal[e.shape]);
      expect(res.text).not.toContain("canary");
      expect(got).toEqual({ mocks: [], canaries: [] });
      return;
    }
    expect(got.mocks).toEqual([provider]);
    // Azure's own api-key wins over a bearer beside it; every other provider gets each of its forms as sent
    const expected: Form[] = provider === "azure" ? ["api-key"] : takes[provider];
    expect(got.canaries.sort()).toEqual([...expected].sort());
  });
});

test("every request of the matrix, forwarded or refused, left exactly one event; refusals say why", async () => {
  const events = await f.lectr.events();
  expect(events.length).toBe(sent);
  const refused = events.filter((ev) => ev.error_code === "provider_not_served");
  // every refused cell (endpoint × provider) sent six requests
  const refusedCells = endpoints.reduce((n, e) => n + providers.filter((p) => !e.servedBy.includes(p)).length, 0);
  expect(refused.length).toBe(refusedCells * 6);
  expect(refused.every((ev) => ev.status === 400)).toBe(true);
});
