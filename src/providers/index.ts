/**
 * The provider registry: one file per provider, one entry here. Everything that lists providers
 * (detection, settings, the GraphQL enum, error texts) is derived from it.
 */
import type { ProviderId } from "./types.ts";
import type { Provider } from "./provider.ts";
import { openai } from "./openai.ts";
import { anthropic } from "./anthropic.ts";
import { groq } from "./groq.ts";
import { gemini } from "./gemini.ts";
import { azure } from "./azure.ts";

export const providers: Record<ProviderId, Provider> = { openai, anthropic, groq, gemini, azure };
