/**
 * First-run setup per provider: the two changes every client needs (the
 * base URL, the org key in X-Lectr-Key) written out for each provider's
 * usual SDKs, with this server's address and the signed-in key filled in.
 * Pure. The provider key stays the app's own: Lectr passes it on.
 */
export interface Snippet {
  id: string;
  caption: string;
  code: string;
}

export interface ProviderSetup {
  provider: string;
  label: string;
  /** What picks the provider, in a sentence. */
  note: string;
  snippets: Snippet[];
}

const openaiNode = (base: string, key: string, apiKey: string, extra = "") => `import OpenAI from "openai";

const client = new OpenAI({
  apiKey: ${apiKey},
  baseURL: "${base}/v1",
  defaultHeaders: { "X-Lectr-Key": "${key}"${extra} },
});`;

const openaiPython = (base: string, key: string, apiKey: string, extra = "") => `import os
from openai import OpenAI

client = OpenAI(
    api_key=${apiKey},
    base_url="${base}/v1",
    default_headers={"X-Lectr-Key": "${key}"${extra}},
)`;

const curl = (base: string, key: string, headers: string[], body: string, path = "/v1/chat/completions") =>
  [`curl ${base}${path}`, `-H "X-Lectr-Key: ${key}"`, ...headers.map((h) => `-H "${h}"`), `-H "Content-Type: application/json"`, `-d '${body}'`].join(" \\\n  ");

const chat = (model: string) => `{"model":"${model}","messages":[{"role":"user","content":"Hello"}]}`;

export function setups(base: string, key: string): ProviderSetup[] {
  return [
    {
      provider: "OPENAI",
      label: "OpenAI",
      note: "The model name picks OpenAI.",
      snippets: [
        { id: "node", caption: "Node (openai)", code: openaiNode(base, key, "process.env.OPENAI_API_KEY") },
        { id: "python", caption: "Python (openai)", code: openaiPython(base, key, 'os.environ["OPENAI_API_KEY"]') },
        { id: "openai-curl", caption: "curl", code: curl(base, key, ["Authorization: Bearer $OPENAI_API_KEY"], chat("gpt-4o-mini")) },
      ],
    },
    {
      provider: "ANTHROPIC",
      label: "Anthropic",
      note: "The base URL has no /v1: the SDK adds /v1/messages itself.",
      snippets: [
        {
          id: "anthropic-node",
          caption: "Node (@anthropic-ai/sdk)",
          code: `import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({
  apiKey: process.env.ANTHROPIC_API_KEY,
  baseURL: "${base}",
  defaultHeaders: { "X-Lectr-Key": "${key}" },
});`,
        },
        {
          id: "anthropic-python",
          caption: "Python (anthropic)",
          code: `import os
from anthropic import Anthropic

client = Anthropic(
    api_key=os.environ["ANTHROPIC_API_KEY"],
    base_url="${base}",
    default_headers={"X-Lectr-Key": "${key}"},
)`,
        },
        {
          id: "anthropic-curl",
          caption: "curl",
          code: curl(base, key, ["x-api-key: $ANTHROPIC_API_KEY", "anthropic-version: 2023-06-01"], `{"model":"claude-3-5-haiku-20241022","max_tokens":256,"messages":[{"role":"user","content":"Hello"}]}`, "/v1/messages"),
        },
      ],
    },
    {
      provider: "GROQ",
      label: "Groq",
      note: "The OpenAI SDK with your Groq key: the model name (llama-…) picks Groq.",
      snippets: [
        { id: "groq-node", caption: "Node (openai)", code: openaiNode(base, key, "process.env.GROQ_API_KEY") },
        { id: "groq-python", caption: "Python (openai)", code: openaiPython(base, key, 'os.environ["GROQ_API_KEY"]') },
        { id: "groq-curl", caption: "curl", code: curl(base, key, ["Authorization: Bearer $GROQ_API_KEY"], chat("llama-3.3-70b-versatile")) },
      ],
    },
    {
      provider: "GEMINI",
      label: "Gemini",
      note: "The OpenAI SDK with your Gemini API key: the model name (gemini-…) picks Gemini.",
      snippets: [
        { id: "gemini-node", caption: "Node (openai)", code: openaiNode(base, key, "process.env.GEMINI_API_KEY") },
        { id: "gemini-python", caption: "Python (openai)", code: openaiPython(base, key, 'os.environ["GEMINI_API_KEY"]') },
        { id: "gemini-curl", caption: "curl", code: curl(base, key, ["Authorization: Bearer $GEMINI_API_KEY"], chat("gemini-2.5-flash")) },
      ],
    },
    {
      provider: "AZURE",
      label: "Azure OpenAI",
      note: "Set your endpoint in Settings → Azure first; X-Lectr-Provider: azure picks it, and the model is your deployment's name.",
      snippets: [
        { id: "azure-node", caption: "Node (openai)", code: openaiNode(base, key, "process.env.AZURE_OPENAI_API_KEY", ', "X-Lectr-Provider": "azure"') },
        { id: "azure-python", caption: "Python (openai)", code: openaiPython(base, key, 'os.environ["AZURE_OPENAI_API_KEY"]', ', "X-Lectr-Provider": "azure"') },
        { id: "azure-curl", caption: "curl", code: curl(base, key, ["Authorization: Bearer $AZURE_OPENAI_API_KEY", "X-Lectr-Provider: azure"], chat("your-deployment")) },
      ],
    },
  ];
}
