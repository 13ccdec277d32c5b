/**
 * Reconciliation as the server and the CLI use it: on only with a valid
 * LECTR_SECRETS_KEY; seals admin keys; runs one org × provider on demand; and,
 * in a server, an hourly round over every org with a key, run by whichever
 * replica holds the `reconciler` lease row (so replicas sharing a database
 * never run it twice).
 */
import type { Client } from "@libsql/client";
import type { Logger } from "../lib/log.ts";
import type { PriceBook } from "../pricing/price-book.ts";
import { uuidv7 } from "../lib/uuid.ts";
import { utcDay } from "./admin-api.ts";
import { sendAlerts, type AlertDeps } from "./alert.ts";
import { dayMs, dayTotals } from "./compare.ts";
import { maxRunDays, reconcile, type RunOutcome } from "./run.ts";
import { importSecretsKey, sealSecret } from "./secrets.ts";
import { lastGoodDay, listRows, listSealedKeys, saveSealedKey, takeLease } from "../db/reconcile.ts";
import type { ReconcileProvider } from "./types.ts";
import type { PullDeps } from "./pull.ts";
import { sleep } from "../lib/timeout.ts";

export const offMessage = "Reconciliation is off: set LECTR_SECRETS_KEY (32 random bytes, hex or base64) so Lectr can store provider admin keys encrypted.";
/** A round every hour; the lease outlives two rounds so a stopped replica's lease lapses and another takes over. */
export const roundMs = 3_600_000;
const leaseMs = 2 * roundMs;
const firstRoundMs = 60_000;
/** Each round re-reads the last week (provisional days settle), or from the last good run when that is older (catching up, at most a month). */
const reReadDays = 7;

export interface ReconcileControl {
  enabled: boolean;
  /** Why it is off; null when on. */
  offReason: string | null;
  setKey(orgId: string, provider: ReconcileProvider, adminKey: string): Promise<void>;
  run(orgId: string, provider: ReconcileProvider, fromDay: number, toDay: number): Promise<RunOutcome>;
  /** One scheduled round now (when this replica holds the lease); resolves when done. */
  round(): Promise<void>;
  /** Per org × provider, the last 7 settled days' unseen spend and drift: what the gauges show. */
  gauges(): { orgId: string; provider: string; unseenUsd: number; driftUsd: number }[];
  stop(): void;
}

export interface ReconcilerOptions {
  db: Client;
  secretsKey: string | undefined;
  baseUrls: Record<ReconcileProvider, string>;
  priceBook(orgId: string): PriceBook | Promise<PriceBook>;
  log: Logger;
  /** Told the gauges' figures each time they change (the reconciler thread passes them to the request thread). */
  onGauges?(rows: ReturnType<ReconcileControl["gauges"]>): void;
  pull?: PullDeps;
  alerts?: Omit<AlertDeps, "now">;
  now?: () => number;
  /** Run the hourly rounds (a server); the CLI runs on demand only. */
  schedule: boolean;
  /** Runs a scheduled round (the reconciler thread queues it behind work already asked for). */
  wrap?<T>(fn: () => Promise<T>): Promise<T>;
}


/** Reconciliation switched off, saying why. */
export const offControl = (reason: string): ReconcileControl => ({
  enabled: false,
  offReason: reason,
  setKey: () => Promise.reject(new Error(reason)),
  run: () => Promise.reject(new Error(reason)),
  round: async () => {},
  gauges: () => [],
  stop: () => {},
});

export async function startReconciler(o: ReconcilerOptions): Promise<ReconcileControl> {
  const now = o.now ?? Date.now;
  const imported = o.secretsKey ? await importSecretsKey(o.secretsKey) : undefined;
  const off = offControl;
  if (!imported) return off(offMessage);
  if (!imported.ok) return off(`Reconciliation is off: ${imported.error}.`);
  const key = imported.key;
  const pull = o.pull ?? { fetch: (url, init) => fetch(url, init), sleep };
  const alertDeps: AlertDeps = { ...(o.alerts ?? { fetch: (url, init) => fetch(url, init), sleep, checkHost: async () => ({ ok: true }) }), now };
  const holder = uuidv7(now());
  let gaugeRows: ReturnType<ReconcileControl["gauges"]> = [];

  const run = async (orgId: string, provider: ReconcileProvider, fromDay: number, toDay: number) => {
    const outcome = await reconcile({ db: o.db, secretsKey: key, baseUrls: o.baseUrls, priceBook: o.priceBook, pull, now }, orgId, provider, fromDay, toDay);
    o.log.info("reconciliation run", { org_id: orgId, provider, status: outcome.run.status, api_calls: outcome.run.apiCalls, rows: outcome.run.rows });
    if (outcome.rows) await sendAlerts(o.db, orgId, provider, outcome.rows, alertDeps).catch((e) => o.log.warn("reconciliation alert failed", { error: String(e) }));
    return outcome;
  };

  const refreshGauges = async () => {
    const today = utcDay(now());
    const out: ReturnType<ReconcileControl["gauges"]> = [];
    for (const k of await listSealedKeys(o.db)) {
      const rows = await listRows(o.db, k.orgId, today - reReadDays * dayMs, today + dayMs, k.provider, "comparison");
      const settled = dayTotals(rows).filter((d) => !d.provisional);
      out.push({ orgId: k.orgId, provider: k.provider, unseenUsd: settled.reduce((a, d) => a + d.unseenUsd, 0), driftUsd: settled.reduce((a, d) => a + d.driftUsd, 0) });
    }
    gaugeRows = out;
    o.onGauges?.(out);
  };

  const round = async () => {
    const t = now();
    if (!(await takeLease(o.db, "reconciler", holder, t, t + leaseMs))) return;
    const today = utcDay(t);
    for (const k of await listSealedKeys(o.db)) {
      const good = await lastGoodDay(o.db, k.orgId, k.provider);
      const from = Math.max(today - (maxRunDays - 1) * dayMs, Math.min(today - reReadDays * dayMs, good ?? today));
      await run(k.orgId, k.provider, from, today + dayMs).catch((e) => o.log.warn("reconciliation run failed", { org_id: k.orgId, provider: k.provider, error: String(e) }));
    }
    await refreshGauges();
  };

  let timer: ReturnType<typeof setInterval> | undefined;
  let first: ReturnType<typeof setTimeout> | undefined;
  if (o.schedule) {
    await refreshGauges().catch(() => {});
    const tick = () => void (o.wrap ? o.wrap(round) : round()).catch((e) => o.log.warn("reconciliation round failed", { error: String(e) }));
    // the first round a minute after start (not in the way of a start), then hourly
    first = setTimeout(tick, firstRoundMs);
    timer = setInterval(tick, roundMs);
    (first as { unref?: () => void }).unref?.();
    (timer as { unref?: () => void }).unref?.();
  }
  return {
    enabled: true,
    offReason: null,
    setKey: async (orgId, provider, adminKey) => saveSealedKey(o.db, orgId, provider, await sealSecret(key, adminKey, orgId, provider), now()),
    run: async (...args) => {
      const outcome = await run(...args);
      await refreshGauges().catch(() => {});
      return outcome;
    },
    round,
    gauges: () => gaugeRows,
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
