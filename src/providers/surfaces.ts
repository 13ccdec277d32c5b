/**
 * Lectr's path families, so that each provider's own SDK works with only its base URL set to
 * Lectr's root: a path says which endpoint row applies and which providers it may reach. Pure.
 *
 *   /v1/…                          OpenAI-shaped; any provider serving the row (OpenAI, Anthropic SDKs)
 *   /openai/v1/…                   groq-sdk; Azure's v1 API with X-Lectr-Provider: azure (the header decides)
 *   /openai/deployments/{d}/…      AzureOpenAI with `endpoint` (and /v1/deployments/{d}/… with baseURL …/v1)
 *   /openai/…                      AzureOpenAI's other calls (files, batches, models)
 *   /v1beta/…, /v1alpha/…          @google/genai (`models/{m}:{method}`), and /v1/models/{m}:{method}
 */
import { endpointFor, endpoints, type Endpoint, type EndpointId } from "./endpoints.ts";
import type { ProviderId } from "./types.ts";

export type Surface = "v1" | "openai-v1" | "azure" | "azure-deployment" | "gemini";

export interface PathMatch {
  surface: Surface;
  endpoint: Endpoint;
  /** What the provider's URL builder appends: the path after the family's prefix; Gemini native: the whole path. */
  path: string;
  /** The providers this family reaches (before the endpoint row narrows them); undefined: any. */
  only?: readonly ProviderId[];
  /** Where a model nobody recognises goes. */
  fallback: ProviderId;
  /** The path names the provider outright (Azure's paths): the model is a deployment name, never detected. */
  pinned: boolean;
  /** A model named by the path (Gemini's `models/{m}`, Azure's deployment): it wins over the body's. */
  model?: string;
  /** Azure: the deployment the path names. */
  deployment?: string;
  /** The path, not the body, asks for a stream (Gemini's `:streamGenerateContent`). */
  stream?: boolean;
}

/** Gemini native methods → endpoint rows (https://ai.google.dev/api). */
const geminiMethods: Readonly<Record<string, EndpointId>> = {
  generateContent: "generate_content",
  streamGenerateContent: "generate_content",
  countTokens: "count_tokens",
  embedContent: "embed_content",
  batchEmbedContents: "embed_content",
};

const geminiModelCall = /^\/(?:v1beta|v1alpha|v1)\/(?:models|tunedModels)\/([^/:]+):([A-Za-z]+)$/;
const deploymentPath = /^\/(?:openai|v1)\/deployments\/([^/]+)(\/.*)?$/;

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const azureOnly: readonly ProviderId[] = ["azure"];
const geminiOnly: readonly ProviderId[] = ["gemini"];
const groqOrAzure: readonly ProviderId[] = ["groq", "azure"];

/** The family, row and providers of a request path (without its query); undefined: not a path Lectr proxies. */
export function matchPath(path: string): PathMatch | undefined {
  const call = geminiModelCall.exec(path);
  if (call) {
    const endpoint = endpoints[geminiMethods[call[2]!] ?? "gemini_other"];
    const stream = call[2] === "streamGenerateContent";
    return { surface: "gemini", endpoint, path, only: geminiOnly, fallback: "gemini", pinned: false, model: decoded(call[1]!), stream };
  }
  if (path.startsWith("/v1beta/") || path.startsWith("/v1alpha/")) {
    return { surface: "gemini", endpoint: endpoints.gemini_other, path, only: geminiOnly, fallback: "gemini", pinned: false };
  }
  const deployment = deploymentPath.exec(path);
  if (deployment) {
    const name = decoded(deployment[1]!);
    const rest = deployment[2] ?? "";
    return { surface: "azure-deployment", endpoint: endpointFor(rest), path: rest, only: azureOnly, fallback: "azure", pinned: true, model: name, deployment: name };
  }
  if (path.startsWith("/openai/v1/") || path === "/openai/v1") {
    const rest = path.slice("/openai/v1".length);
    return { surface: "openai-v1", endpoint: endpointFor(rest), path: rest, only: groqOrAzure, fallback: "groq", pinned: false };
  }
  if (path.startsWith("/openai/")) {
    const rest = path.slice("/openai".length);
    return { surface: "azure", endpoint: endpointFor(rest), path: rest, only: azureOnly, fallback: "azure", pinned: true };
  }
  if (path.startsWith("/v1/")) {
    const endpoint = endpointFor(path.slice(3));
    return { surface: "v1", endpoint, path: path.slice(3), fallback: endpoint.defaultProvider, pinned: false };
  }
  return undefined;
}
