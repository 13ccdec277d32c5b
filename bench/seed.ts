/**
 * Synthetic traffic for the GraphQL bench: deterministic (seeded PRNG),
 * shaped like a real gateway's: a few workloads (feature, task, model),
 * some off-pattern tags, log-normal latencies, ~2 % provider errors.
 */
import type { EventRow } from "../src/db/tables.ts";
import { builtinPrices } from "../src/pricing/registry.ts";
import { computeCost } from "../src/pricing/cost.ts";
import { uuidv7 } from "../src/lib/uuid.ts";
import type { ProviderId } from "../src/providers/types.ts";
import { createRandom } from "../test/helpers/random.ts";

interface Workload {
  provider: ProviderId;
  model: string;
  feature: string | null;
  task: string | null;
  weight: number;
  medianMs: number;
  input: number;
  output: number;
}

const workloads: Workload[] = [
  { provider: "openai", model: "gpt-4o", feature: "support-bot", task: "chat", weight: 30, medianMs: 1800, input: 900, output: 250 },
  { provider: "openai", model: "gpt-4o-mini", feature: "triage", task: "classification", weight: 20, medianMs: 600, input: 400, output: 10 },
  { provider: "openai", model: "text-embedding-3-small", feature: "search", task: "embedding", weight: 15, medianMs: 120, input: 300, output: 0 },
  { provider: "anthropic", model: "claude-3-5-sonnet-20241022", feature: "code-review", task: "code", weight: 10, medianMs: 6000, input: 3000, output: 700 },
  { provider: "groq", model: "llama-3.3-70b-versatile", feature: "autocomplete", task: "generation", weight: 10, medianMs: 300, input: 200, output: 60 },
  { provider: "gemini", model: "gemini-2.5-flash", feature: "summaries", task: "summarization", weight: 8, medianMs: 2500, input: 4000, output: 300 },
  { provider: "azure", model: "prod-gpt4o", feature: "extraction", task: "extraction", weight: 5, medianMs: 2000, input: 1200, output: 200 },
  { provider: "openai", model: "gpt-4o", feature: null, task: null, weight: 2, medianMs: 1500, input: 500, output: 150 },
];
const totalWeight = workloads.reduce((n, w) => n + w.weight, 0);
const features = ["support-bot", "triage", "search", "code-review", "autocomplete", "summaries", "extraction"];
const tasks = ["chat", "classification", "generation", "other"];

export interface SeedOrg {
  orgId: string;
  keyId: string;
  share: number;
}


/**
 * Yields `total` events between `from` and `to`, oldest first, in batches
 * of `batchSize` (the recorder's batch size).
 */
export function* syntheticBatches(opts: { orgs: SeedOrg[]; total: number; from: number; to: number; batchSize: number; seed?: number }): Generator<EventRow[]> {
  const random = createRandom(opts.seed ?? 42);
  const span = opts.to - opts.from;
  const step = span / opts.total;
  let batch: EventRow[] = [];
  for (let i = 0; i < opts.total; i++) {
    const t = Math.floor(opts.from + i * step + random() * step);
    batch.push(syntheticEvent(random, pickOrg(opts.orgs, random()), t));
    if (batch.length === opts.batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

function pickOrg(orgs: SeedOrg[], r: number): SeedOrg {
  let acc = 0;
  for (const o of orgs) {
    acc += o.share;
    if (r < acc) return o;
  }
  return orgs[orgs.length - 1]!;
}

function syntheticEvent(random: () => number, org: SeedOrg, createdAt: number): EventRow {
  let r = random() * totalWeight;
  let w = workloads[0]!;
  for (const x of workloads) {
    r -= x.weight;
    if (r < 0) {
      w = x;
      break;
    }
  }
  // one request in twenty carries another feature, one in twenty another task
  const feature = random() < 0.05 ? features[Math.floor(random() * features.length)]! : w.feature;
  const task = random() < 0.05 ? tasks[Math.floor(random() * tasks.length)]! : w.task;
  const roll = random();
  const status = roll < 0.01 ? 429 : roll < 0.015 ? 500 : roll < 0.018 ? 503 : roll < 0.028 ? 400 : 200;
  const timeout = status === 200 && random() < 0.002;
  const ok = status === 200 && !timeout;
  // log-normal around the workload's median (σ = 0.6)
  const gauss = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const latency = Math.round(w.medianMs * Math.exp(0.6 * gauss) * 100) / 100;
  const input = ok ? Math.max(1, Math.round(w.input * (0.5 + random()))) : null;
  const output = ok ? Math.round(w.output * (0.5 + random())) : null;
  const price = builtinPrices.lookup(w.provider, w.provider === "azure" ? "gpt-4o" : w.model, createdAt);
  const usage = ok ? { inputTokens: input!, outputTokens: output!, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 } : undefined;
  const cost = usage ? computeCost(usage, price) : { costUsd: null, priceKnown: price !== undefined };
  return {
    id: uuidv7(createdAt),
    org_id: org.orgId,
    key_id: org.keyId,
    created_at: createdAt,
    endpoint: w.task === "embedding" ? "/v1/embeddings" : "/v1/chat/completions",
    provider: w.provider,
    provider_source: "detected",
    provider_unknown: false,
    model: w.model,
    response_model: ok ? w.model : null,
    streamed: w.task === "chat" && random() < 0.7,
    status,
    error_code: timeout ? "upstream_timeout" : status >= 400 ? "upstream_error" : null,
    latency_ms: latency,
    ttfb_ms: ok ? Math.round(latency * 0.3 * 100) / 100 : null,
    input_tokens: input,
    output_tokens: output,
    cached_input_tokens: ok ? 0 : null,
    reasoning_tokens: ok ? 0 : null,
    cost_usd: cost.costUsd,
    price_known: cost.priceKnown,
    feature,
    task,
  };
}
