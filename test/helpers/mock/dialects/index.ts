import type { ProviderId } from "../../../../src/providers/types.ts";
import type { Dialect } from "../types.ts";
import { anthropic } from "./anthropic.ts";
import { azure } from "./azure.ts";
import { gemini } from "./gemini.ts";
import { groq } from "./groq.ts";
import { openai } from "./openai.ts";
import { mistral } from "./mistral.ts";
import { deepseek } from "./deepseek.ts";
import { xai } from "./xai.ts";
import { openrouter } from "./openrouter.ts";

export const dialects: Record<ProviderId, Dialect> = { openai, anthropic, groq, gemini, azure, mistral, deepseek, xai, openrouter };
