/**
 * The only SQL over the reconcile_* tables, and the one read of events
 * reconciliation makes (a day × model sum for one org and provider, over the
 * events_org_created index), and the rows as src/reconcile/ sees them.
 * Plain libSQL client calls, so the reconciliation thread uses it too.
 */
import type { Client, InStatement, Row } from "@libsql/client";
import { uuidv7 } from "../lib/uuid.ts";

export const reconcileProviders = ["openai", "anthropic"] as const;
export type ReconcileProvider = (typeof reconcileProviders)[number];

/** Token classes priced apart, and requests; null where the side does not report that class. */
export interface Counts {
  requests: number | null;
  uncachedInput: number | null;
  cacheRead: number | null;
  cacheWrite5m: number | null;
  cacheWrite1h: number | null;
  output: number | null;
}

/** Lectr's recorded figures for one day × model. */
export interface LectrLine {
  day: number;
  model: string;
  counts: Counts;
  costUsd: number | null;
}

/** Which provider keys, projects or workspaces belong to the org; all empty: the whole provider organization. */
export interface Sources {
  apiKeyIds: ReadonlySet<string>;
  projectIds: ReadonlySet<string>;
}

export type RowStatus = "matched" | "provisional" | "mismatched";

export interface ReconRow {
  day: number;
  model: string;
  /** '' for the comparison row; `api_key:<id>` / `project:<id>` / `workspace:<id>` for the provider's own breakdown. */
  source: string;
  lectr: Counts | null;
  lectrCostUsd: number | null;
  provider: Counts;
  billedUsd: number | null;
  expectedUsd: number | null;
  unseenUsd: number | null;
  driftUsd: number | null;
  status: RowStatus;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export type SourceKind = "api_key" | "project" | "workspace";

export interface RunRow {
  id: string;
  orgId: string;
  provider: ReconcileProvider;
  fromDay: number;
  toDay: number;
  startedAt: number;
  finishedAt: number;
  status: string;
  error: string | null;
  apiCalls: number;
  rows: number;
}

export interface ReconcileSettings {
  unseenAlertUsd: number | null;
  driftAlertUsd: number | null;
}

export async function saveSealedKey(db: Client, orgId: string, provider: ReconcileProvider, sealed: string, now: number): Promise<void> {
  await db.execute({
    sql: `INSERT INTO reconcile_credentials (org_id, provider, sealed_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (org_id, provider) DO UPDATE SET sealed_key = excluded.sealed_key, updated_at = excluded.updated_at`,
    args: [orgId, provider, sealed, now, now],
  });
}

export async function deleteSealedKey(db: Client, orgId: string, provider: ReconcileProvider): Promise<boolean> {
  const r = await db.execute({ sql: "DELETE FROM reconcile_credentials WHERE org_id = ? AND provider = ?", args: [orgId, provider] });
  return r.rowsAffected > 0;
}

export async function listSealedKeys(db: Client): Promise<{ orgId: string; provider: ReconcileProvider; sealed: string; updatedAt: number }[]> {
  const r = await db.execute("SELECT org_id, provider, sealed_key, updated_at FROM reconcile_credentials ORDER BY org_id, provider");
  return r.rows.map((x) => ({ orgId: String(x.org_id), provider: String(x.provider) as ReconcileProvider, sealed: String(x.sealed_key), updatedAt: Number(x.updated_at) }));
}

export async function setSources(db: Client, orgId: string, provider: ReconcileProvider, sources: { kind: SourceKind; id: string }[], now: number): Promise<void> {
  await db.batch(
    [
      { sql: "DELETE FROM reconcile_sources WHERE org_id = ? AND provider = ?", args: [orgId, provider] },
      ...sources.map((s) => ({ sql: "INSERT OR IGNORE INTO reconcile_sources (org_id, provider, kind, source_id, created_at) VALUES (?, ?, ?, ?, ?)", args: [orgId, provider, s.kind, s.id, now] })),
    ],
    "write",
  );
}

export async function listSources(db: Client, orgId: string, provider: ReconcileProvider): Promise<{ kind: SourceKind; id: string }[]> {
  const r = await db.execute({ sql: "SELECT kind, source_id FROM reconcile_sources WHERE org_id = ? AND provider = ? ORDER BY kind, source_id", args: [orgId, provider] });
  return r.rows.map((x) => ({ kind: String(x.kind) as SourceKind, id: String(x.source_id) }));
}

export const toSources = (list: { kind: SourceKind; id: string }[]): Sources => ({
  apiKeyIds: new Set(list.filter((s) => s.kind === "api_key").map((s) => s.id)),
  projectIds: new Set(list.filter((s) => s.kind !== "api_key").map((s) => s.id)),
});

export async function getSettings(db: Client, orgId: string): Promise<ReconcileSettings> {
  const r = await db.execute({ sql: "SELECT unseen_alert_usd, drift_alert_usd FROM reconcile_settings WHERE org_id = ?", args: [orgId] });
  const row = r.rows[0];
  return { unseenAlertUsd: num(row?.unseen_alert_usd), driftAlertUsd: num(row?.drift_alert_usd) };
}

export async function saveSettings(db: Client, orgId: string, s: ReconcileSettings, now: number): Promise<void> {
  await db.execute({
    sql: `INSERT INTO reconcile_settings (org_id, unseen_alert_usd, drift_alert_usd, updated_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (org_id) DO UPDATE SET unseen_alert_usd = excluded.unseen_alert_usd, drift_alert_usd = excluded.drift_alert_usd, updated_at = excluded.updated_at`,
    args: [orgId, s.unseenAlertUsd, s.driftAlertUsd, now],
  });
}

/** Lectr's own figures per UTC day × model (the model the provider answered with, as the provider reports it). */
export async function lectrSums(db: Client, orgId: string, provider: ReconcileProvider, from: number, to: number): Promise<LectrLine[]> {
  const r = await db.execute({
    sql: `SELECT (created_at / 86400000) * 86400000 AS day, COALESCE(response_model, model) AS m,
            SUM(CASE WHEN status < 400 THEN 1 ELSE 0 END) AS requests,
            SUM(input_tokens) AS input, SUM(cached_input_tokens) AS cached, SUM(cache_write_tokens) AS written,
            SUM(cache_write_1h_tokens) AS written_1h, SUM(output_tokens) AS output, SUM(cost_usd) AS cost,
            SUM(CASE WHEN cost_usd IS NULL AND input_tokens IS NOT NULL THEN 1 ELSE 0 END) AS unpriced
          FROM events WHERE org_id = ? AND provider = ? AND created_at >= ? AND created_at < ?
          GROUP BY day, m`,
    args: [orgId, provider, from, to],
  });
  return r.rows.map((x) => {
    const input = num(x.input);
    const cached = num(x.cached);
    const written = num(x.written);
    const written1h = num(x.written_1h);
    const counts: Counts = {
      requests: Number(x.requests),
      uncachedInput: input === null ? null : Math.max(0, input - (cached ?? 0) - (written ?? 0)),
      cacheRead: cached ?? (input === null ? null : 0),
      cacheWrite5m: written === null ? null : written - (written1h ?? 0),
      cacheWrite1h: written1h ?? (written === null ? null : 0),
      output: num(x.output),
    };
    // a call with usage but no price makes the day's cost unknown, not smaller
    return { day: Number(x.day), model: String(x.m), counts, costUsd: Number(x.unpriced) > 0 ? null : (num(x.cost) ?? 0) };
  });
}

const rowArgs = (orgId: string, provider: string, runId: string, r: ReconRow) => [
  orgId, provider, r.day, r.model, r.source, runId,
  r.lectr?.requests ?? null, r.lectr?.uncachedInput ?? null, r.lectr?.cacheRead ?? null, r.lectr?.cacheWrite5m ?? null, r.lectr?.cacheWrite1h ?? null, r.lectr?.output ?? null, r.lectrCostUsd,
  r.provider.requests, r.provider.uncachedInput, r.provider.cacheRead, r.provider.cacheWrite5m, r.provider.cacheWrite1h, r.provider.output,
  r.billedUsd, r.expectedUsd, r.unseenUsd, r.driftUsd, r.status,
];

/** One transaction: the run's rows replace the range's old ones, with the run's record; nothing is half-written. */
export async function saveRun(db: Client, run: RunRow, rows: readonly ReconRow[] | undefined): Promise<void> {
  const runInsert: InStatement = {
    sql: "INSERT INTO reconcile_runs (id, org_id, provider, from_day, to_day, started_at, finished_at, status, error, api_calls, rows) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    args: [run.id, run.orgId, run.provider, run.fromDay, run.toDay, run.startedAt, run.finishedAt, run.status, run.error, run.apiCalls, run.rows],
  };
  if (!rows) {
    await db.execute(runInsert);
    return;
  }
  await db.batch(
    [
      { sql: "DELETE FROM reconcile_rows WHERE org_id = ? AND provider = ? AND day >= ? AND day < ?", args: [run.orgId, run.provider, run.fromDay, run.toDay] },
      ...rows.map((r) => ({
        sql: `INSERT INTO reconcile_rows (org_id, provider, day, model, source, run_id,
                lectr_requests, lectr_uncached_input_tokens, lectr_cache_read_tokens, lectr_cache_write_5m_tokens, lectr_cache_write_1h_tokens, lectr_output_tokens, lectr_cost_usd,
                provider_requests, provider_uncached_input_tokens, provider_cache_read_tokens, provider_cache_write_5m_tokens, provider_cache_write_1h_tokens, provider_output_tokens,
                billed_usd, expected_usd, unseen_usd, drift_usd, status)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        args: rowArgs(run.orgId, run.provider, run.id, r),
      })),
      runInsert,
    ],
    "write",
  );
}

function toRow(x: Row): ReconRow & { provider_: ReconcileProvider } {
  const counts = (p: string): Counts => ({
    requests: num(x[`${p}_requests`]),
    uncachedInput: num(x[`${p}_uncached_input_tokens`]),
    cacheRead: num(x[`${p}_cache_read_tokens`]),
    cacheWrite5m: num(x[`${p}_cache_write_5m_tokens`]),
    cacheWrite1h: num(x[`${p}_cache_write_1h_tokens`]),
    output: num(x[`${p}_output_tokens`]),
  });
  const source = String(x.source);
  return {
    provider_: String(x.provider) as ReconcileProvider,
    day: Number(x.day),
    model: String(x.model),
    source,
    lectr: source === "" ? counts("lectr") : null,
    lectrCostUsd: num(x.lectr_cost_usd),
    provider: counts("provider"),
    billedUsd: num(x.billed_usd),
    expectedUsd: num(x.expected_usd),
    unseenUsd: num(x.unseen_usd),
    driftUsd: num(x.drift_usd),
    status: String(x.status) as RowStatus,
  };
}

export type StoredRow = ReturnType<typeof toRow>;

/** At most 400 days × the models of a provider: bounded by the period the caller may ask for. */
export async function listRows(db: Client, orgId: string, from: number, to: number, provider: ReconcileProvider | null, source: "comparison" | "breakdown"): Promise<StoredRow[]> {
  const r = await db.execute({
    sql: `SELECT * FROM reconcile_rows WHERE org_id = ? AND day >= ? AND day < ? AND (? IS NULL OR provider = ?) AND ${source === "comparison" ? "source = ''" : "source <> ''"}
          ORDER BY day, provider, model, source LIMIT 20000`,
    args: [orgId, from, to, provider, provider],
  });
  return r.rows.map(toRow);
}

export async function listRuns(db: Client, orgId: string, limit: number): Promise<RunRow[]> {
  const r = await db.execute({ sql: "SELECT * FROM reconcile_runs WHERE org_id = ? ORDER BY started_at DESC, id DESC LIMIT ?", args: [orgId, limit] });
  return r.rows.map((x) => ({
    id: String(x.id),
    orgId: String(x.org_id),
    provider: String(x.provider) as ReconcileProvider,
    fromDay: Number(x.from_day),
    toDay: Number(x.to_day),
    startedAt: Number(x.started_at),
    finishedAt: Number(x.finished_at),
    status: String(x.status),
    error: x.error === null ? null : String(x.error),
    apiCalls: Number(x.api_calls),
    rows: Number(x.rows),
  }));
}

/** The end of the last successful run's range for org × provider, to catch up from after failures. */
export async function lastGoodDay(db: Client, orgId: string, provider: ReconcileProvider): Promise<number | null> {
  const r = await db.execute({ sql: "SELECT MAX(to_day) AS d FROM reconcile_runs WHERE org_id = ? AND provider = ? AND status = 'ok'", args: [orgId, provider] });
  return num(r.rows[0]?.d);
}

/** Takes or renews the named lease for `holder` until `until`; true when this holder has it. */
export async function takeLease(db: Client, name: string, holder: string, now: number, until: number): Promise<boolean> {
  await db.execute({
    sql: `INSERT INTO reconcile_lease (name, holder, expires_at) VALUES (?, ?, ?)
          ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
          WHERE reconcile_lease.holder = excluded.holder OR reconcile_lease.expires_at <= ?`,
    args: [name, holder, until, now],
  });
  const r = await db.execute({ sql: "SELECT holder FROM reconcile_lease WHERE name = ?", args: [name] });
  return r.rows[0]?.holder === holder;
}

export async function releaseLease(db: Client, name: string, holder: string): Promise<void> {
  await db.execute({ sql: "DELETE FROM reconcile_lease WHERE name = ? AND holder = ?", args: [name, holder] });
}

/** Records an alert once per org × provider × day × kind; undefined when it was already sent. */
export async function insertAlert(db: Client, a: { orgId: string; provider: string; day: number; kind: "unseen" | "drift"; amountUsd: number; thresholdUsd: number }, now: number): Promise<string | undefined> {
  const id = uuidv7(now);
  const r = await db.execute({
    sql: "INSERT OR IGNORE INTO reconcile_alerts (id, org_id, provider, day, kind, amount_usd, threshold_usd, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    args: [id, a.orgId, a.provider, a.day, a.kind, a.amountUsd, a.thresholdUsd, now],
  });
  return r.rowsAffected > 0 ? id : undefined;
}

export const newRunId = (now: number) => uuidv7(now);
