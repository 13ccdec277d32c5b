/**
 * Which provider serves a model id. Exact ids win over prefixes; among
 * prefixes the longest wins, so `text-embedding-004` (Gemini) beats
 * `text-embedding-` (OpenAI) and `gemma2-` (Groq) beats nothing.
 * Sources: providers.md §1.6, §2.6, §3.6, §4.6, §6.
 */
import type { ProviderId } from "./types.ts";

export interface DetectRule {
  match: "exact" | "prefix";
  value: string;
  provider: ProviderId;
}

const exact = (provider: ProviderId, ...values: string[]): DetectRule[] =>
  values.map((value) => ({ match: "exact", value, provider }));
const prefix = (provider: ProviderId, ...values: string[]): DetectRule[] =>
  values.map((value) => ({ match: "prefix", value, provider }));

export const detectRules: readonly DetectRule[] = [
  ...prefix(
    "openai",
    "gpt-",
    "o1",
    "o3",
    "o4",
    "chatgpt-",
    "text-embedding-",
    "davinci",
    "babbage",
    "dall-e-",
    "whisper-",
    "tts-",
    "gpt-image-",
    "omni-moderation-",
    "codex-mini",
    "computer-use-",
  ),
  ...exact("openai", "whisper-1", "text-moderation-latest", "text-moderation-stable"),
  ...prefix("anthropic", "claude-"),
  ...prefix("gemini", "gemini-", "models/gemini-", "models/gemma-", "gemma-3-", "gemma-3n-", "gemma-4-", "models/text-embedding-", "learnlm-"),
  // Gemini's embedding model collides with OpenAI's `text-embedding-` prefix.
  ...exact("gemini", "text-embedding-004", "embedding-001"),
  ...prefix(
    "groq",
    "llama-",
    "llama3-",
    "meta-llama/",
    "mixtral-",
    "gemma2-",
    "qwen",
    "deepseek-r1-distill-",
    "openai/gpt-oss-",
    "moonshotai/",
    "whisper-large-v3",
    "distil-whisper-",
    "mistral-saba-",
    "canopylabs/",
    "groq/",
    "allam-",
    "playai-tts",
  ),
  ...exact("groq", "gemma-7b-it"),
];
