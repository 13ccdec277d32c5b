import { openAiChatUsage } from "./openai-usage.ts";
import type { Provider, UpstreamTarget } from "./provider.ts";

/**
 * Paths the Azure OpenAI dated API scopes to a deployment; the rest live
 * under `/openai` directly (openai-node src/azure.ts, providers.md §5.1).
 */
const deploymentScoped = /^\/(chat\/completions|completions|embeddings|audio\/|images\/generations|batches)/;

function azureUrl(t: UpstreamTarget): string {
  const query = new URLSearchParams(t.search);
  query.set("api-version", t.apiVersion ?? "");
  const scoped = deploymentScoped.test(t.path) && t.model !== "";
  const path = scoped ? `/openai/deployments/${encodeURIComponent(t.model)}${t.path}` : `/openai${t.path}`;
  return `${t.base.replace(/\/+$/, "")}${path}?${query.toString()}`;
}

/**
 * The org's own endpoint; the request's `model` is the deployment name; the key moves to `api-key`.
 * Deployment names are chosen freely, so nothing detects Azure: X-Lectr-Provider does (§5.5).
 */
export const azure: Provider = {
  id: "azure",
  telemetryName: "az.ai.openai",
  upstream: { from: "org" },
  detect: { prefixes: [], exact: [] },
  auth: "api-key",
  injectStreamUsage: true,
  chatUsage: openAiChatUsage,
  url: azureUrl,
};
