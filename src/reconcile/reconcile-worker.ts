/**
 * The reconciler thread. libSQL's local driver runs statements on the calling
 * thread (and waits there for the write lock), so the hourly rounds — the
 * provider calls, the day × model sum over events, the one-transaction write —
 * live here, where they cannot slow the proxy.
 */
import { openDatabase, type Database } from "../db/client.ts";
import { listAllModelPrices } from "../db/model-prices.ts";
import { guardHost } from "../egress/host-guard.ts";
import { createLogger } from "../lib/log.ts";
import { createPriceBook } from "../pricing/price-book.ts";
import { loadPriceRegistry } from "../pricing/prices-file.ts";
import { writeStdout } from "../runtime/process.ts";
import { startReconciler, type ReconcileControl } from "./control.ts";
import type { FromThread, ToThread } from "./messages.ts";
import { sleep } from "../lib/timeout.ts";
import { threadPort } from "../lib/thread.ts";

let database: Database | undefined;
let control: ReconcileControl | undefined;
const { post, serve } = threadPort<ToThread, FromThread>();
/** One piece of work at a time on this thread's connection (the local driver waits for locks synchronously). */
let chain: Promise<unknown> = Promise.resolve();
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = chain.then(fn);
  chain = run.catch(() => {});
  return run;
}

async function answer(id: number, work: () => Promise<Extract<FromThread, { t: "done" }>["outcome"] | void>) {
  try {
    const outcome = await exclusive(work);
    post({ t: "done", id, outcome: outcome ?? undefined });
  } catch (err) {
    post({ t: "done", id, error: err instanceof Error ? err.message : String(err) });
  }
}

serve(
  async (m) => {
    const config = m.config;
    const log = createLogger(config.logLevel, writeStdout);
    database = await openDatabase(config.dbUrl, config.dbAuthToken);
    const db = database;
    const registry = loadPriceRegistry(config.pricesFile);
    control = await startReconciler({
      db: db.client,
      secretsKey: config.secretsKey,
      baseUrls: config.baseUrls,
      // read per run: an org's price change applies to its next run
      priceBook: async (orgId) => createPriceBook(registry, (await listAllModelPrices(db.db)).filter((p) => p.orgId === orgId)),
      log,
      alerts: { fetch: (url, init) => fetch(url, init), sleep, checkHost: async (url) => (config.allowPrivateUpstreams ? { ok: true } : guardHost(new URL(url).hostname)) },
      onGauges: (rows) => post({ t: "gauges", rows }),
      schedule: true,
      wrap: exclusive,
    });
    return { offReason: control.offReason };
  },
  async (m) => {
    switch (m.t) {
      case "setKey":
        return answer(m.id, () => control!.setKey(m.orgId, m.provider, m.key));
      case "run":
        return answer(m.id, () => control!.run(m.orgId, m.provider, m.from, m.to));
      case "round":
        return answer(m.id, () => control!.round());
      case "close":
        control?.stop();
        await chain;
        database?.close();
        post({ t: "closed" });
        return;
    }
  },
);
