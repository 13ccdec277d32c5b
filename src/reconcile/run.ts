/**
 * One reconciliation run: one org, one provider, a range of UTC days.
 * Closed days are read in daily buckets, the provisional ones (the last 48 h)
 * in hourly buckets; costs come daily (the only width either cost API has).
 * The run's rows and its record are written in one transaction; a failed run
 * writes only its record, so the rows of the last good run stay and the next
 * run catches up.
 */
import type { Client } from "@libsql/client";
import type { AdminApi } from "./admin-api.ts";
import { utcDay } from "./admin-api.ts";
import { anthropicAdmin } from "./anthropic-admin.ts";
import { compareReports, dayMs, provisionalLagMs } from "./compare.ts";
import { openaiAdmin } from "./openai-admin.ts";
import { pullReport, runDeadlineMs, type PullDeps } from "./pull.ts";
import { openSecret } from "./secrets.ts";
import { lectrSums, listSealedKeys, listSources, newRunId, saveRun, toSources, type RunRow } from "../db/reconcile.ts";
import type { CostLine, Counts, ReconcileProvider, ReconRow, UsageLine } from "./types.ts";
import { priceCall, type PriceBook } from "../pricing/price-book.ts";

export const adminApis: Record<ReconcileProvider, AdminApi> = { openai: openaiAdmin, anthropic: anthropicAdmin };
/** One run covers at most a month: 31 daily buckets is one page of either usage API. */
export const maxRunDays = 31;

export interface ReconcileDeps {
  db: Client;
  secretsKey: CryptoKey;
  /** The provider's API base (LECTR_OPENAI_BASE_URL / LECTR_ANTHROPIC_BASE_URL, both ending in /v1). */
  baseUrls: Record<ReconcileProvider, string>;
  priceBook(orgId: string): PriceBook | Promise<PriceBook>;
  pull: PullDeps;
  now(): number;
}

export interface RunOutcome {
  run: RunRow;
  rows: ReconRow[] | undefined;
}

/** Lectr's price book on the provider's token counts; null when a class the provider reports has no price, or nothing is in tokens. */
export function expectedCost(book: PriceBook, provider: ReconcileProvider, day: number, model: string, c: Counts): number | null {
  const parts = [c.uncachedInput, c.cacheRead, c.cacheWrite5m, c.cacheWrite1h, c.output];
  if (parts.every((p) => p === null)) return null;
  const written = c.cacheWrite5m === null && c.cacheWrite1h === null ? null : (c.cacheWrite5m ?? 0) + (c.cacheWrite1h ?? 0);
  const usage = {
    inputTokens: (c.uncachedInput ?? 0) + (c.cacheRead ?? 0) + (written ?? 0),
    outputTokens: c.output ?? 0,
    cachedInputTokens: c.cacheRead,
    cacheWriteTokens: written,
    cacheWrite1hTokens: c.cacheWrite1h,
    reasoningTokens: null,
  };
  return priceCall(book, { provider, model, responseModel: null, at: day + dayMs / 2, usage }).costUsd;
}

export async function reconcile(deps: ReconcileDeps, orgId: string, provider: ReconcileProvider, fromDay: number, toDay: number): Promise<RunOutcome> {
  const startedAt = deps.now();
  const calls = { count: 0 };
  const run = (status: string, error: string | null, rows: number): RunRow => ({
    id: newRunId(startedAt), orgId, provider, fromDay, toDay, startedAt, finishedAt: deps.now(), status, error, apiCalls: calls.count, rows,
  });
  const fail = async (status: string, error: string): Promise<RunOutcome> => {
    const r = run(status, error, 0);
    await saveRun(deps.db, r, undefined);
    return { run: r, rows: undefined };
  };

  const sealed = (await listSealedKeys(deps.db)).find((k) => k.orgId === orgId && k.provider === provider);
  if (!sealed) return fail("no_admin_key", `no ${provider} admin key is set for this org`);
  const adminKey = await openSecret(deps.secretsKey, sealed.sealed, orgId, provider);
  if (adminKey === undefined) return fail("unreadable_key", "the stored admin key does not open with this LECTR_SECRETS_KEY (was the key changed?); set the admin key again");

  const api = adminApis[provider];
  const deadline = Date.now() + runDeadlineMs;
  const base = deps.baseUrls[provider];
  const openFrom = Math.min(toDay, Math.max(fromDay, utcDay(startedAt - provisionalLagMs)));
  const requests = [...(openFrom > fromDay ? api.usage(fromDay, openFrom, "1d") : []), ...(toDay > openFrom ? api.usage(openFrom, toDay, "1h") : [])];
  const usage: UsageLine[] = [];
  for (const req of requests) {
    const got = await pullReport(api, base, adminKey, req, api.parseUsage, deps.pull, calls, deadline);
    if (!got.ok) return fail(got.kind, got.error);
    usage.push(...got.lines);
  }
  const costs: CostLine[] = [];
  const gotCosts = await pullReport(api, base, adminKey, api.cost(fromDay, toDay), api.parseCost, deps.pull, calls, deadline);
  if (!gotCosts.ok) return fail(gotCosts.kind, gotCosts.error);
  costs.push(...gotCosts.lines);

  const inRange = (d: number) => d >= fromDay && d < toDay;
  const book = await deps.priceBook(orgId);
  const rows = compareReports({
    usage: usage.filter((u) => inRange(u.day)),
    costs: costs.filter((c) => inRange(c.day)),
    lectr: await lectrSums(deps.db, orgId, provider, fromDay, toDay),
    sources: toSources(await listSources(deps.db, orgId, provider)),
    reports: api.reports,
    projectKind: api.projectKind,
    expected: (day, model, counts) => expectedCost(book, provider, day, model, counts),
    now: startedAt,
  });
  const r = run("ok", null, rows.length);
  await saveRun(deps.db, r, rows);
  return { run: r, rows };
}
