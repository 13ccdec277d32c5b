/**
 * The budget sync thread. libSQL's local driver runs statements on the
 * calling thread (and waits there for the write lock), so the rounds and
 * webhook deliveries live here, where they cannot slow the proxy.
 */
import { openDatabase, type Database } from "../db/client.ts";
import { removeShares } from "../db/budget-shares.ts";
import { listWebhooks, logDelivery } from "../db/webhooks.ts";
import { createLogger, type Logger } from "../lib/log.ts";
import { guardHost } from "../egress/host-guard.ts";
import { writeStdout } from "../runtime/process.ts";
import { deliverAlert } from "./deliver.ts";
import type { FromSync, SyncConfig, ToSync } from "./messages.ts";
import { createBudgetSync, type BudgetSync } from "./sync.ts";
import type { AlertFacts } from "./webhook.ts";
import { sleep } from "../lib/timeout.ts";
import { threadPort } from "../lib/thread.ts";

let database: Database | undefined;
let sync: BudgetSync | undefined;
let config: SyncConfig | undefined;
let log: Logger | undefined;
const { post, serve } = threadPort<ToSync, FromSync>();

/**
 * One statement or transaction at a time on this thread's connection: the
 * local driver waits for a lock synchronously, so a write started while a
 * round's transaction is open would stall the thread until the busy timeout.
 */
let chain: Promise<unknown> = Promise.resolve();
function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const run = chain.then(fn);
  chain = run.catch(() => {});
  return run;
}

async function sendAlert(facts: AlertFacts): Promise<void> {
  const db = database!;
  const hooks = await exclusive(() => listWebhooks(db.client, facts.alert.orgId));
  await Promise.all(
    hooks.map((hook) =>
      deliverAlert(facts, hook, {
        fetch: (url, init) => fetch(url, init),
        sleep,
        now: Date.now,
        log: (row) => exclusive(() => logDelivery(db.client, row)),
        checkHost: async (url) => (config!.allowPrivateUpstreams ? { ok: true } : guardHost(new URL(url).hostname)),
      }),
    ),
  );
}

serve(
  async (m) => {
    config = m.config;
    log = createLogger(config.logLevel, writeStdout);
    database = await openDatabase(config.dbUrl, config.dbAuthToken);
    sync = await createBudgetSync({
      client: database.client,
      replicaId: config.replicaId,
      now: Date.now,
      onAlert: (facts) => void sendAlert(facts).catch((err) => log?.warn("budget alert delivery failed", { error: String(err) })),
      onError: (err) => log?.warn("budget alert claim failed", { error: String(err) }),
    });
    return {};
  },
  async (m) => {
    switch (m.t) {
      case "tick":
        try {
          post({ t: "state", state: await exclusive(() => sync!.round(m.shares)) });
        } catch (err) {
          // the request thread keeps the last state; the next round tries again
          log?.warn("budget sync failed", { error: String(err) });
          post({ t: "state", state: undefined });
        }
        return;
      case "close":
        await exclusive(() => removeShares(database!.client, config!.replicaId)).catch(() => {});
        database?.close();
        post({ t: "closed" });
        return;
    }
  },
);
