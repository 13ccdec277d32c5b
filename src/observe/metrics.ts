/**
 * The series Lectr exports. Label values come from closed sets only:
 * provider, endpoint family, status class, streamed, and models the price
 * registry knows (everything else is `other`): never tags, keys or raw model
 * strings, so cardinality stays bounded whatever clients send. Org ids label
 * a separate registry that /metrics shows only behind LECTR_METRICS_TOKEN.
 */
import type { EventRow } from "../db/tables.ts";
import type { PriceRegistry } from "../pricing/registry.ts";
import type { ProviderId } from "../providers/types.ts";
import type { WriterStats } from "../record/writer.ts";
import { Counter, Gauge, Histogram, latencyBuckets, overheadBuckets, Registry, type CounterSeries, type HistogramSeries } from "./prometheus.ts";

export interface RequestTimings {
  /** Time spent inside Lectr (before forwarding and between upstream headers and the client response), ms. */
  addedMs: number;
  /** From forwarding to the end of the upstream body, ms; null when nothing was forwarded. */
  upstreamMs: number | null;
}

export function endpointFamily(path: string): string {
  switch (path) {
    case "/v1/chat/completions":
      return "chat_completions";
    case "/v1/completions":
      return "completions";
    case "/v1/embeddings":
      return "embeddings";
    case "/v1/models":
      return "models";
    default:
      return "other";
  }
}

export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}

export interface LectrMetrics {
  /** Aggregate series: no label says which org. */
  registry: Registry;
  /** Per-org series (`org_id`), rendered only to a scraper that presents LECTR_METRICS_TOKEN. */
  orgRegistry: Registry;
  request(event: EventRow, timings: RequestTimings): void;
  authFailure(reason: string): void;
}

export function createLectrMetrics(prices: PriceRegistry, writer: () => WriterStats & { pending: number; restarts: number; journalFailures: number }): LectrMetrics {
  const registry = new Registry();
  const requests = registry.add(
    new Counter("lectr_requests_total", "Proxied requests by provider, endpoint, status class and streaming.", ["provider", "endpoint", "status_class", "streamed"]),
  );
  const upstream = registry.add(
    new Histogram("lectr_upstream_duration_seconds", "From forwarding to the end of the provider's response.", ["provider"], latencyBuckets),
  );
  const added = registry.add(new Histogram("lectr_proxy_added_seconds", "Time spent inside Lectr on a request.", ["provider"], overheadBuckets));
  const ttfb = registry.add(new Histogram("lectr_stream_ttfb_seconds", "Time to the first byte of a streamed response.", ["provider"], latencyBuckets));
  const tokens = registry.add(new Counter("lectr_tokens_total", "Tokens by provider, model and kind.", ["provider", "model", "kind"]));
  // An org's own prices (setModelPrice) are its business: they count in its per-org series only, so no org moves the shared figures.
  const cost = registry.add(
    new Counter("lectr_cost_usd_total", "Cost in US dollars by provider and model, of calls priced from the price registry (built-in or LECTR_PRICES_FILE); calls priced with an org's own price are left out.", ["provider", "model"]),
  );
  const unpriced = registry.add(new Counter("lectr_unpriced_requests_total", "Requests whose cost is unknown.", ["provider"]));
  const auth = registry.add(new Counter("lectr_auth_failures_total", "Requests refused for a missing, unknown or revoked org key.", ["reason"]));
  // orgs are created by the admin, so org ids are a bounded set too; they say who spends what, hence the separate registry
  const orgRegistry = new Registry();
  const orgRequests = orgRegistry.add(new Counter("lectr_org_requests_total", "Proxied requests by org and status class.", ["org_id", "status_class"]));
  const orgCost = orgRegistry.add(new Counter("lectr_org_cost_usd_total", "Cost in US dollars by org.", ["org_id"]));
  const orgTokens = orgRegistry.add(new Counter("lectr_org_tokens_total", "Input and output tokens by org.", ["org_id", "kind"]));
  const w = () => writer();
  registry.add(new Gauge("lectr_event_queue_depth", "Events waiting to be written.", () => w().queued + w().pending));
  registry.add(new Gauge("lectr_events_written_total", "Events written to the database.", () => w().written + w().replayed, "counter"));
  registry.add(new Gauge("lectr_events_spooled_total", "Events written to the local spool while the database was unavailable.", () => w().spooled, "counter"));
  registry.add(new Gauge("lectr_events_dropped_total", "Events lost because neither the database nor the spool took them.", () => w().dropped, "counter"));
  registry.add(new Gauge("lectr_spool_quarantined_total", "Spool lines moved to quarantine.jsonl instead of replayed: not an event Lectr could have written.", () => w().quarantined, "counter"));
  registry.add(new Gauge("lectr_event_journal_failures_total", "Events the request thread could not append to its journal (they are still written; only their survival of a SIGKILL is lost).", () => w().journalFailures, "counter"));
  registry.add(new Gauge("lectr_event_batch_write_seconds", "Duration of the last event batch write.", () => (w().lastBatchMs ?? 0) / 1000));
  registry.add(new Gauge("lectr_spool_bytes", "Bytes waiting in the spool.", () => w().spoolBytes));
  registry.add(new Gauge("lectr_event_writer_restarts_total", "Times the event writer thread died and a new one took over its unfinished events.", () => w().restarts, "counter"));
  registry.add(new Gauge("lectr_event_writes_busy_retries_total", "Batches retried because another writer held the database's lock.", () => w().busyRetries, "counter"));
  registry.add(new Gauge("lectr_database_up", "1 while events reach the database, 0 while they are spooled.", () => (w().healthy ? 1 : 0)));
  const started = Date.now() / 1000;
  registry.add(new Gauge("process_start_time_seconds", "Start time of the process since the Unix epoch.", () => started));
  registry.add(new Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", () => process.memoryUsage().rss));
  registry.add(new Gauge("process_heap_bytes", "JavaScript heap in use, bytes.", () => process.memoryUsage().heapUsed));
  registry.add(
    new Gauge(
      "process_cpu_seconds_total",
      "User and system CPU time spent, seconds.",
      () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1e6;
      },
      "counter",
    ),
  );

  // raw model → bounded label, memoised (bounded too)
  const modelLabels = new Map<string, string>();
  const modelLabel = (provider: ProviderId, model: string | null): string => {
    if (!model) return "other";
    const key = `${provider}\u0000${model}`;
    let label = modelLabels.get(key);
    if (label === undefined) {
      label = prices.resolveModelId(provider, model) ?? "other";
      if (modelLabels.size > 5_000) modelLabels.clear();
      modelLabels.set(key, label);
    }
    return label;
  };

  /** The series one kind of request updates, looked up once per kind; those a request may not touch are made on first use. */
  interface Kind {
    orgRequests: CounterSeries;
    requests: CounterSeries;
    added: HistogramSeries;
    upstream?: HistogramSeries;
    ttfb?: HistogramSeries;
    orgCost?: CounterSeries;
    orgInput?: CounterSeries;
    orgOutput?: CounterSeries;
    input?: CounterSeries;
    output?: CounterSeries;
    cachedInput?: CounterSeries;
    reasoning?: CounterSeries;
    unpriced?: CounterSeries;
    cost?: CounterSeries;
    model: string;
    labels: [ProviderId, string];
  }
  const kinds = new Map<string, Kind>();
  const kindOf = (e: EventRow): Kind => {
    const p = e.provider as ProviderId;
    const raw = e.response_model ?? e.model;
    const key = `${e.org_id}\u0000${p}\u0000${e.endpoint}\u0000${e.status}\u0000${e.streamed ? 1 : 0}\u0000${raw ?? ""}`;
    let k = kinds.get(key);
    if (k === undefined) {
      const status = statusClass(e.status);
      k = {
        orgRequests: orgRequests.at([e.org_id, status]),
        requests: requests.at([p, endpointFamily(e.endpoint), status, e.streamed ? "true" : "false"]),
        added: added.at([p]),
        model: modelLabel(p, raw),
        labels: [p, e.org_id],
      };
      // bounded like the labels: forgetting a kind only costs its next lookup
      if (kinds.size > 5_000) kinds.clear();
      kinds.set(key, k);
    }
    return k;
  };

  return {
    registry,
    orgRegistry,
    request(e, t) {
      const k = kindOf(e);
      const [p, org] = k.labels;
      const model = k.model;
      k.orgRequests.inc();
      if (e.cost_usd != null) (k.orgCost ??= orgCost.at([org])).inc(e.cost_usd);
      if (e.input_tokens != null) (k.orgInput ??= orgTokens.at([org, "input"])).inc(e.input_tokens);
      if (e.output_tokens != null) (k.orgOutput ??= orgTokens.at([org, "output"])).inc(e.output_tokens);
      k.requests.inc();
      k.added.observe(t.addedMs / 1000);
      if (t.upstreamMs !== null) (k.upstream ??= upstream.at([k.labels[0]])).observe(t.upstreamMs / 1000);
      if (e.streamed && e.ttfb_ms != null) (k.ttfb ??= ttfb.at([p])).observe(e.ttfb_ms / 1000);
      if (e.input_tokens != null) (k.input ??= tokens.at([p, model, "input"])).inc(e.input_tokens);
      if (e.output_tokens != null) (k.output ??= tokens.at([p, model, "output"])).inc(e.output_tokens);
      if (e.cached_input_tokens) (k.cachedInput ??= tokens.at([p, model, "cached_input"])).inc(e.cached_input_tokens);
      if (e.reasoning_tokens) (k.reasoning ??= tokens.at([p, model, "reasoning"])).inc(e.reasoning_tokens);
      if (e.cost_usd == null) {
        if (e.input_tokens != null) (k.unpriced ??= unpriced.at([p])).inc();
      } else if (e.cost_source === "registry") (k.cost ??= cost.at([p, model])).inc(e.cost_usd);
    },
    authFailure: (reason) => auth.inc([reason]),
  };
}
