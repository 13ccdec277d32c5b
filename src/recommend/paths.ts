/**
 * The downgrade paths recommendations may suggest: per provider, from a model
 * family to a cheaper model of the same provider, with how big a step it is.
 * Never across providers: comparing quality across providers needs data
 * Lectr does not have. Data only; src/recommend/recommend.ts decides.
 *
 * `from` is a family (src/recommend/family.ts maps dated and versioned ids to
 * it); `to` is the id a routing rule sends, one the price registry prices, so
 * a projected cost can always be computed (test/unit/recommend-paths.test.ts).
 * Azure has no paths: its `model` is a deployment name, and Lectr cannot know
 * which deployments an org has. Embedding models have none either: another
 * embedding model answers in another vector space, so a "cheaper" one would
 * silently break every index built from the first.
 */
import type { ProviderId } from "../providers/types.ts";
import type { Task } from "../lib/tags.ts";

export const tiers = ["CONSERVATIVE", "MODERATE", "AGGRESSIVE"] as const;
/** How far down the target is: one step within a generation, a smaller sibling, or two steps. */
export type Tier = (typeof tiers)[number];

export interface DowngradePath {
  provider: ProviderId;
  from: string;
  to: string;
  tier: Tier;
}

const path = (provider: ProviderId, from: string, to: string, tier: Tier): DowngradePath => ({ provider, from, to, tier });

export const downgradePaths: readonly DowngradePath[] = [
  // Anthropic: opus → sonnet → haiku
  path("anthropic", "claude-3-opus", "claude-3-5-sonnet-20241022", "CONSERVATIVE"),
  path("anthropic", "claude-3-opus", "claude-3-5-haiku-20241022", "AGGRESSIVE"),
  path("anthropic", "claude-3-5-sonnet", "claude-3-5-haiku-20241022", "MODERATE"),
  path("anthropic", "claude-3-7-sonnet", "claude-haiku-4-5", "MODERATE"),
  path("anthropic", "claude-opus-4", "claude-sonnet-4-5", "CONSERVATIVE"),
  path("anthropic", "claude-opus-4", "claude-haiku-4-5", "AGGRESSIVE"),
  path("anthropic", "claude-opus-4-1", "claude-sonnet-4-5", "CONSERVATIVE"),
  path("anthropic", "claude-opus-4-1", "claude-haiku-4-5", "AGGRESSIVE"),
  path("anthropic", "claude-opus-4-5", "claude-sonnet-4-5", "CONSERVATIVE"),
  path("anthropic", "claude-opus-4-5", "claude-haiku-4-5", "AGGRESSIVE"),
  path("anthropic", "claude-opus-4-6", "claude-sonnet-4-6", "CONSERVATIVE"),
  path("anthropic", "claude-opus-4-6", "claude-haiku-4-5", "AGGRESSIVE"),
  path("anthropic", "claude-opus-4-7", "claude-sonnet-4-6", "CONSERVATIVE"),
  path("anthropic", "claude-opus-4-7", "claude-haiku-4-5", "AGGRESSIVE"),
  path("anthropic", "claude-sonnet-4", "claude-haiku-4-5", "MODERATE"),
  path("anthropic", "claude-sonnet-4-5", "claude-haiku-4-5", "MODERATE"),
  path("anthropic", "claude-sonnet-4-6", "claude-haiku-4-5", "MODERATE"),

  // OpenAI: each family's mini and nano; o-series to the newer, cheaper reasoning models
  path("openai", "gpt-4o", "gpt-4o-mini", "MODERATE"),
  path("openai", "gpt-4-turbo", "gpt-4o", "CONSERVATIVE"),
  path("openai", "gpt-4-turbo", "gpt-4o-mini", "AGGRESSIVE"),
  path("openai", "gpt-3.5-turbo", "gpt-4o-mini", "CONSERVATIVE"),
  path("openai", "gpt-4.1", "gpt-4.1-mini", "CONSERVATIVE"),
  path("openai", "gpt-4.1", "gpt-4.1-nano", "AGGRESSIVE"),
  path("openai", "gpt-4.1-mini", "gpt-4.1-nano", "MODERATE"),
  path("openai", "gpt-5-pro", "gpt-5", "CONSERVATIVE"),
  path("openai", "gpt-5", "gpt-5-mini", "CONSERVATIVE"),
  path("openai", "gpt-5", "gpt-5-nano", "AGGRESSIVE"),
  path("openai", "gpt-5.1", "gpt-5-mini", "CONSERVATIVE"),
  path("openai", "gpt-5.1", "gpt-5-nano", "AGGRESSIVE"),
  path("openai", "gpt-5-mini", "gpt-5-nano", "MODERATE"),
  path("openai", "gpt-5.4", "gpt-5.4-mini", "CONSERVATIVE"),
  path("openai", "gpt-5.4", "gpt-5.4-nano", "AGGRESSIVE"),
  path("openai", "gpt-5.4-mini", "gpt-5.4-nano", "MODERATE"),
  path("openai", "o1-pro", "o3-pro", "CONSERVATIVE"),
  path("openai", "o3-pro", "o3", "CONSERVATIVE"),
  path("openai", "o1", "o3", "CONSERVATIVE"),
  path("openai", "o1", "o4-mini", "MODERATE"),
  path("openai", "o3", "o4-mini", "MODERATE"),

  // Gemini: pro → flash → flash-lite
  path("gemini", "gemini-1.5-pro", "gemini-1.5-flash", "MODERATE"),
  path("gemini", "gemini-2.0-flash", "gemini-2.0-flash-lite", "MODERATE"),
  path("gemini", "gemini-2.5-pro", "gemini-2.5-flash", "CONSERVATIVE"),
  path("gemini", "gemini-2.5-pro", "gemini-2.5-flash-lite", "AGGRESSIVE"),
  path("gemini", "gemini-2.5-flash", "gemini-2.5-flash-lite", "MODERATE"),
  path("gemini", "gemini-3-pro-preview", "gemini-3-flash-preview", "CONSERVATIVE"),
  path("gemini", "gemini-3.1-pro-preview", "gemini-3-flash-preview", "CONSERVATIVE"),

  // Groq: the 70B models to the 8B one; the larger open-weight siblings to the smaller
  path("groq", "llama-3.1-70b", "llama-3.1-8b-instant", "MODERATE"),
  path("groq", "llama-3.3-70b", "llama-3.1-8b-instant", "MODERATE"),
  path("groq", "llama3-70b", "llama-3.1-8b-instant", "MODERATE"),
  path("groq", "openai/gpt-oss-120b", "openai/gpt-oss-20b", "MODERATE"),
  path("groq", "meta-llama/llama-4-maverick-17b-128e-instruct", "meta-llama/llama-4-scout-17b-16e-instruct", "MODERATE"),
];

/**
 * The X-Lectr-Task values a target of each tier handles well. A recommendation
 * is HIGH confidence when most of its traffic is tagged with one of these.
 * The short-output tasks (classification, extraction, embedding-like work)
 * hold for every step down; summarization from a moderate step up; chat and
 * generation only one step down. Code and reasoning never: there the larger
 * model is what the money buys.
 */
export const handledWell: Readonly<Record<Tier, readonly Task[]>> = {
  AGGRESSIVE: ["classification", "extraction", "embedding"],
  MODERATE: ["classification", "extraction", "embedding", "summarization"],
  CONSERVATIVE: ["classification", "extraction", "embedding", "summarization", "chat", "generation"],
};

/**
 * Untagged traffic is judged by how long its answers are: the average output
 * tokens per request up to which a step of each tier is suggested.
 * Classification and extraction answer in tens to a few hundred tokens,
 * summaries in a few hundred, chat replies and ordinary generation in up to
 * about a thousand; longer answers are where the larger model earns its price.
 */
export const maxAvgOutputTokens: Readonly<Record<Tier, number>> = {
  AGGRESSIVE: 300,
  MODERATE: 600,
  CONSERVATIVE: 1_500,
};

/** HIGH confidence: at least this share of the requests is tagged with a task the target handles well. */
export const highConfidenceShare = 0.8;

/**
 * Not suggested at all when more than this share of the requests is tagged
 * with tasks the target is not trusted with: the tags say the work needs the
 * larger model, whatever the output length.
 */
export const mismatchedShareLimit = 0.5;
