/**
 * The parts of an estimate a client could otherwise game: how many outputs
 * a call asks for, and the output reserved when it sets no cap. Pure, and
 * kept apart from the size-based estimate (estimate.ts) so per-provider
 * output rules can replace these without touching the rest.
 */

/** A count of outputs is believed up to this (OpenAI allows n ≤ 128). */
const maxOutputs = 128;

/**
 * How many outputs the call asks for: `n` (OpenAI chat and completions,
 * images), `best_of` (legacy completions bill every candidate),
 * `candidateCount` (Gemini). 1 when none is set.
 */
export function outputCount(json: Record<string, unknown> | undefined): number {
  if (!json) return 1;
  const config = json.generationConfig;
  const candidates = typeof config === "object" && config !== null ? (config as Record<string, unknown>).candidateCount : undefined;
  let count = 1;
  for (const v of [json.n, json.best_of, candidates]) {
    if (typeof v === "number" && Number.isFinite(v) && v >= 1) count = Math.max(count, Math.floor(v));
  }
  return Math.min(count, maxOutputs);
}

/**
 * Without a cap, a call reserves at least this much output, whatever the
 * org's recent outputs were: a run of tiny calls cannot talk the estimate
 * down before a burst of long ones. 4,096 tokens: what the chat models
 * without a larger documented default answer at most (gpt-3.5-turbo,
 * claude-3-haiku), and a small share of the newer models' 16k–128k maxima.
 * A call that sets `max_tokens` (or its siblings) reserves that instead.
 */
export const noCapOutputFloor = 4_096;
