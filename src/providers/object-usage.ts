/**
 * Usage of OpenAI's non-chat bodies (pure): a response or batch read back, images, transcriptions.
 * Each reader returns what the body reports and nothing it does not: a count left out is no usage,
 * never 0. Shapes: https://platform.openai.com/docs/api-reference
 */
import type { RequestView, TokenFields } from "./endpoints.ts";
import type { Billing, Usage } from "./types.ts";
import { asObject, mapTokens, type Json } from "./token-fields.ts";

/** What one whole body says about its cost. */
export interface BodyReading {
  usage: Usage | undefined;
  responseModel: string | undefined;
  billing?: Billing;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** Responses and batches: input_tokens (cached inside), output_tokens (reasoning inside). */
export const responseTokenFields: TokenFields = {
  input: "input_tokens",
  cached: "input_tokens_details.cached_tokens",
  output: "output_tokens",
  reasoning: "output_tokens_details.reasoning_tokens",
  inputExcludesCache: false,
};

const batchEnded = new Set(["completed", "expired", "cancelled", "failed"]);

/**
 * A batch (https://platform.openai.com/docs/api-reference/batch/object): batches created after
 * 2025-09-07 carry `usage` and `model`. Priced once it has ended, at the batch rate, once per batch id.
 */
export function readBatch(body: Json): BodyReading {
  const id = text(body.id);
  const ended = body.object === "batch" && typeof body.status === "string" && batchEnded.has(body.status);
  const reported = asObject(body.usage);
  const usage = ended && id && reported ? mapTokens(responseTokenFields, reported) : undefined;
  return { usage, responseModel: text(body.model), billing: usage ? { batch: true } : undefined };
}

/** Image sizes and qualities as the request asked (https://platform.openai.com/docs/api-reference/images/create). */
const imageDefaults: Readonly<Record<string, { quality: string; size: string }>> = {
  "dall-e-3": { quality: "standard", size: "1024x1024" },
  "dall-e-2": { quality: "standard", size: "1024x1024" },
};

/**
 * Images: the GPT image models report token usage (input split into text and image tokens);
 * DALL·E reports none and is billed per image by quality and size, so the count is the images
 * returned and the price key is what the request asked for.
 */
export function readImages(body: Json, request: RequestView | undefined): BodyReading {
  const reported = asObject(body.usage);
  const usage = reported && mapTokens(imageTokenFields, reported);
  if (usage) return { usage, responseModel: undefined };
  // Per-image prices need the quality and size asked for: known for a JSON request only (not a multipart edit).
  const defaults = request?.json && imageDefaults[request.model];
  const images = Array.isArray(body.data) ? body.data.length : undefined;
  if (!defaults || images === undefined || images === 0) return { usage: undefined, responseModel: undefined };
  const quality = text(request.json!.quality) ?? defaults.quality;
  const size = text(request.json!.size) ?? defaults.size;
  return { usage: undefined, responseModel: undefined, billing: { units: { unit: "image", count: images, variant: `${quality}/${size}` } } };
}

/** gpt-image-1: input_tokens (text and image) with input_tokens_details.image_tokens; output_tokens are image tokens. */
export const imageTokenFields: TokenFields = { ...responseTokenFields, imageInput: "input_tokens_details.image_tokens" };

/** gpt-4o-transcribe / gpt-4o-mini-tts: input_tokens with input_token_details.audio_tokens, output_tokens. */
export const audioTokenFields: TokenFields = { input: "input_tokens", output: "output_tokens", audioInput: "input_token_details.audio_tokens", inputExcludesCache: false };

/**
 * Transcriptions and translations: `usage` is `{type: "tokens", …}` (gpt-4o-transcribe) or
 * `{type: "duration", seconds}` (whisper-1); a verbose_json body (OpenAI, Groq) states `duration`.
 * https://platform.openai.com/docs/api-reference/audio/json-object
 */
export function readTranscription(body: Json): BodyReading {
  const usage = asObject(body.usage);
  if (usage?.type === "tokens") {
    return { usage: mapTokens(audioTokenFields, usage), responseModel: undefined };
  }
  const seconds = usage?.type === "duration" ? usage.seconds : body.duration;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) return { usage: undefined, responseModel: undefined };
  return { usage: undefined, responseModel: undefined, billing: { units: { unit: "second", count: seconds } } };
}
