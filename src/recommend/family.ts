/**
 * A model id's family: the id without the date, version or deployment suffix
 * that names one build of the same model (`claude-3-opus-20240229` and
 * `claude-3-opus-latest` are `claude-3-opus`; Groq's `llama-3.1-70b-versatile`
 * is `llama-3.1-70b`). Downgrade paths are written per family. Pure.
 */
import type { ProviderId } from "../providers/types.ts";
import { downgradePaths, type DowngradePath } from "./paths.ts";

const openai = [/-\d{4}-\d{2}-\d{2}$/, /-(0[1-9]|1[0-2])[0-3]\d$/, /-latest$/];

/** Removed in order, each at most once; a provider not listed has none. */
const suffixes: Readonly<Partial<Record<ProviderId, readonly RegExp[]>>> = {
  openai,
  azure: openai,
  // a dated build, the moving alias, and the `-0` alias of a 4.0 model (claude-opus-4-0)
  anthropic: [/-\d{8}$/, /-latest$/, /-0$/],
  gemini: [/-00\d$/, /-latest$/],
  // Groq names deployments (`-versatile`, `-instant`) and context lengths (`-8192`)
  groq: [/-(versatile|instant|specdec)$/, /-\d{4,5}$/],
};

export function familyOf(provider: ProviderId, model: string): string {
  let id = model.trim().toLowerCase();
  if (id.startsWith("models/")) id = id.slice("models/".length);
  for (const suffix of suffixes[provider] ?? []) id = id.replace(suffix, "");
  return id;
}

/** The downgrade paths from a model the org used (any build of a family with paths). */
export function pathsFrom(provider: ProviderId, model: string): DowngradePath[] {
  const family = familyOf(provider, model);
  return downgradePaths.filter((p) => p.provider === provider && p.from === family);
}
