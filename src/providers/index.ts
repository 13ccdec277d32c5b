/**
 * The provider registry: one file per provider, one entry here. Everything that lists providers
 * (ProviderId, detection, settings, the GraphQL enum, error texts, the dashboard's names and colours)
 * is derived from it.
 */
import type { Provider } from "./provider.ts";
import { openai } from "./openai.ts";
import { anthropic } from "./anthropic.ts";
import { groq } from "./groq.ts";
import { gemini } from "./gemini.ts";
import { azure } from "./azure.ts";
import { mistral } from "./mistral.ts";
import { deepseek } from "./deepseek.ts";
import { xai } from "./xai.ts";
import { openrouter } from "./openrouter.ts";

export const providers = { openai, anthropic, groq, gemini, azure, mistral, deepseek, xai, openrouter } satisfies Record<string, Provider>;
