/** Reading token counts out of a provider's usage object by dotted paths (pure). */
import type { TokenFields } from "./endpoints.ts";
import type { Usage } from "./types.ts";

export type Json = Record<string, unknown>;

export const asObject = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

export function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    const o = asObject(v);
    if (o === undefined) return undefined;
    v = o[key];
  }
  return v;
}

/** A reported count, or undefined for anything missing, negative, fractional or absurd. */
export function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

const field = (usage: Json, path: string | undefined): number | undefined => (path === undefined ? undefined : count(at(usage, path.split("."))));

/**
 * A usage object mapped to the event's columns; undefined without input and output counts.
 * A count the endpoint never reports, or this response left out, is null, never 0.
 */
export function mapTokens(fields: TokenFields, usage: Json): Usage | undefined {
  const base = field(usage, fields.input);
  if (base === undefined) return undefined;
  // where zeros are left out, a usage object with its input count says every missing count is 0
  const read = (path: string | undefined) => field(usage, path) ?? (fields.omitsZeros && path !== undefined ? 0 : undefined);
  const sum = (first: number | undefined, more: readonly string[] = []) =>
    first === undefined ? undefined : more.reduce((total, path) => total + (field(usage, path) ?? 0), first);
  const input = sum(base, fields.inputAlso);
  const output = sum(read(fields.output), fields.outputAlso);
  if (input === undefined || output === undefined) return undefined;
  const cached = read(fields.cached);
  const written = read(fields.cacheWrite);
  const written1h = read(fields.cacheWrite1h);
  const reasoning = read(fields.reasoning);
  // Where the input count leaves the cache out, billed input is all three (Anthropic); else the parts are clamped into it.
  const inputTokens = fields.inputExcludesCache ? input + (cached ?? 0) + (written ?? 0) : input;
  const cachedInputTokens = cached === undefined ? null : Math.min(cached, inputTokens);
  const cacheWriteTokens = written === undefined ? null : Math.min(written, inputTokens - (cachedInputTokens ?? 0));
  const usageOut: Usage = {
    inputTokens,
    outputTokens: output,
    cachedInputTokens,
    cacheWriteTokens,
    reasoningTokens: reasoning === undefined ? null : Math.min(reasoning, output),
  };
  if (fields.cacheWrite1h !== undefined) usageOut.cacheWrite1hTokens = written1h === undefined ? null : Math.min(written1h, cacheWriteTokens ?? 0);
  // Image and audio input are inside the input count, priced at their own rates (src/pricing/units.ts).
  const image = field(usage, fields.imageInput);
  const audio = field(usage, fields.audioInput);
  if (image !== undefined) usageOut.imageInputTokens = Math.min(image, inputTokens);
  if (audio !== undefined) usageOut.audioInputTokens = Math.min(audio, inputTokens - (usageOut.imageInputTokens ?? 0));
  return usageOut;
}

