import { openAiChatUsage } from "./openai-usage.ts";
import type { Provider, UpstreamTarget } from "./provider.ts";

/**
 * Paths the Azure OpenAI dated API scopes to a deployment; the rest live
 * under `/openai` directly (openai-node src/azure.ts, providers.md §5.1).
 */
const deploymentScoped = /^\/(chat\/completions|completions|embeddings|audio\/|images\/generations|batches)/;

function azureUrl(t: UpstreamTarget): string {
  const root = t.base.replace(/\/+$/, "");
  // Azure's v1 API takes no dated api-version
  if (t.surface === "openai-v1") return `${root}/openai/v1${t.path}${t.search}`;
  const query = new URLSearchParams(t.search);
  // Azure's own paths keep the version the client's SDK chose; /v1 clients send none, so the org's applies
  if (t.surface === "v1" || !query.has("api-version")) query.set("api-version", t.apiVersion ?? "");
  const deployment = t.deployment ?? (t.surface === "v1" && deploymentScoped.test(t.path) && t.model !== "" ? t.model : undefined);
  const path = deployment !== undefined ? `/openai/deployments/${encodeURIComponent(deployment)}${t.path}` : `/openai${t.path}`;
  return `${root}${path}?${query.toString()}`;
}

/**
 * The org's own endpoint; the request's `model` is the deployment name; the key moves to `api-key`.
 * Deployment names are chosen freely, so nothing detects Azure: X-Lectr-Provider does (§5.5).
 */
export const azure: Provider = {
  id: "azure",
  label: "Azure OpenAI",
  colour: "#8661c5",
  telemetryName: "az.ai.openai",
  upstream: { from: "org" },
  detect: { prefixes: [], exact: [] },
  auth: "api-key",
  credentials: ["api-key", "bearer"],
  serves: ["chat_completions", "completions", "embeddings", "responses", "other"],
  injectStreamUsage: true,
  chatUsage: openAiChatUsage,
  url: azureUrl,
};
