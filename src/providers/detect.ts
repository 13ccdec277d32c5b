/**
 * Provider choice: the X-Lectr-Provider header, else the model id, else a header only one provider's
 * clients send, else the endpoint's own provider (OpenAI for OpenAI-shaped paths). Then pinning: the
 * choice must be a provider that serves the path, or the request is refused before anything is sent.
 */
import { providerIds, type ProviderId } from "./types.ts";
import { providers } from "./index.ts";
import type { PathMatch } from "./surfaces.ts";
import { fail, ok, type Result } from "../lib/result.ts";

export type ProviderSource = "header" | "detected" | "default";

export interface ProviderChoice {
  provider: ProviderId;
  source: ProviderSource;
  /** True when nothing identified the provider and the fallback was assumed. */
  unknown: boolean;
}

/** Built once from the registry: exact ids in a map, prefixes longest first. */
function compile() {
  const exact = new Map<string, ProviderId>();
  const prefixes: { value: string; provider: ProviderId }[] = [];
  for (const p of Object.values(providers)) {
    for (const value of p.detect.exact) exact.set(value, p.id);
    for (const value of p.detect.prefixes) prefixes.push({ value, provider: p.id });
  }
  prefixes.sort((a, b) => b.value.length - a.value.length);
  return { exact, prefixes };
}

const compiled = compile();
const markers = Object.values(providers).flatMap((p) => (p.detect.headers ?? []).map((header) => ({ header, provider: p.id })));

export function detectProvider(model: string): ProviderId | undefined {
  const id = model.trim().toLowerCase();
  if (id === "") return undefined;
  const hit = compiled.exact.get(id);
  if (hit) return hit;
  for (const r of compiled.prefixes) if (id.startsWith(r.value)) return r.provider;
  return undefined;
}

export function parseProviderHeader(value: string): ProviderId | undefined {
  const v = value.trim().toLowerCase();
  return (providerIds as readonly string[]).includes(v) ? (v as ProviderId) : undefined;
}

export function chooseProvider(
  header: string | null,
  model: string,
  fallback: ProviderId = "openai",
  requestHeaders?: Headers,
): Result<ProviderChoice, { kind: "invalid_provider"; value: string }> {
  if (header !== null) {
    const p = parseProviderHeader(header);
    if (!p) return fail({ kind: "invalid_provider", value: header });
    return ok({ provider: p, source: "header", unknown: false });
  }
  const detected = detectProvider(model);
  if (detected) return ok({ provider: detected, source: "detected", unknown: false });
  const marked = requestHeaders && markers.find((m) => requestHeaders.has(m.header));
  if (marked) return ok({ provider: marked.provider, source: "detected", unknown: false });
  return ok({ provider: fallback, source: "default", unknown: true });
}

/** Endpoint rows and surface lists are fixed objects, so each pair's answer is worked out once (`null`: no surface list). */
const servingMemo = new WeakMap<object, Map<object | null, readonly ProviderId[]>>();

/** The providers a path may reach: its family's, narrowed to those whose file says they serve its row. */
export function servingProviders(match: Pick<PathMatch, "endpoint" | "only">): readonly ProviderId[] {
  let byOnly = servingMemo.get(match.endpoint);
  if (byOnly === undefined) servingMemo.set(match.endpoint, (byOnly = new Map()));
  const only = match.only ?? null;
  let serving = byOnly.get(only);
  if (serving === undefined) {
    const all = providerIds.filter((p) => providers[p].serves.includes(match.endpoint.id));
    serving = Object.freeze(only ? all.filter((p) => only.includes(p)) : all);
    byOnly.set(only, serving);
  }
  return serving;
}

export type ChoiceError =
  | { kind: "invalid_provider"; value: string }
  | { kind: "provider_not_served"; provider: ProviderId; serving: readonly ProviderId[] };

/** The provider for a request on `match`'s path: one that serves it, or a refusal that names those that do. */
export function chooseForPath(match: PathMatch, header: string | null, model: string, requestHeaders?: Headers): Result<ProviderChoice, ChoiceError> {
  const serving = servingProviders(match);
  let choice: ProviderChoice;
  if (match.pinned) {
    const named = header === null ? undefined : parseProviderHeader(header);
    if (header !== null && !named) return fail({ kind: "invalid_provider", value: header });
    choice = { provider: named ?? match.fallback, source: named ? "header" : "detected", unknown: false };
  } else {
    const chosen = chooseProvider(header, model, match.fallback, requestHeaders);
    if (!chosen.ok) return chosen;
    choice = chosen.value;
  }
  return serving.includes(choice.provider) ? ok(choice) : fail({ kind: "provider_not_served", provider: choice.provider, serving });
}
