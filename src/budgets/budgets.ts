/**
 * Budgets and rate limits for the request path: `admit` before a request is
 * forwarded, `settle` when its event is built. Both are synchronous and
 * touch memory only; the sync thread (budget-worker.ts) exchanges state with
 * the database and the other replicas every 250 ms.
 */
import type { EventRow } from "../db/tables.ts";
import type { Logger, LogLevel } from "../lib/log.ts";
import { uuidv7 } from "../lib/uuid.ts";
import type { PriceBook } from "../pricing/price-book.ts";
import type { ProviderId } from "../providers/types.ts";
import { estimateCall } from "./estimate.ts";
import { createBudgetGuard, type Admission, type AdmitResult, type BudgetGuard } from "./guard.ts";
import type { FromSync, ToSync } from "./messages.ts";
import { sleep } from "../lib/timeout.ts";
import { startThread } from "../lib/thread.ts";

/** What admission reads of a request (the proxy's RequestFacts fit). */
export interface AdmitFacts {
  orgId: string;
  keyId: string;
  createdAt: number;
  endpoint: string;
  provider: ProviderId;
  model: string;
  tags: { feature: string | null; task: string | null };
}

export interface Budgets {
  guard: BudgetGuard;
  /** Checks and reserves; `value` is what `settle` releases (undefined: nothing held). */
  admit(req: AdmitFacts, json: Record<string, unknown> | undefined, bodyBytes: number, method: string): AdmitResult;
  /** Settles what `admit` held to the event's cost (estimated, for a stream cut before its usage: src/pricing/cut-stream.ts). */
  settle(held: Admission | undefined, event: EventRow): void;
  /** Resolves after a full sync round that started after the call (a change made here is then in force). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

export interface BudgetOptions {
  dbUrl: string;
  dbAuthToken: string | undefined;
  allowPrivateUpstreams: boolean;
  logLevel: LogLevel;
  /** The org's price book (overrides, then the registry). */
  prices(orgId: string): PriceBook;
  log: Logger;
  /** How often this replica shares and refreshes (ms). */
  intervalMs?: number;
}

/** How often rounds run while callers wait for room. */
const urgentMs = 50;

export async function startBudgets(o: BudgetOptions): Promise<Budgets> {
  // a starved lease asks for a round now; `tick` skips it while one runs
  const guard = createBudgetGuard(() => tick());
  let busy = false;
  let lastTick = 0;
  let closed: (() => void) | undefined;
  let firstState: (() => void) | undefined;
  /** Waiting for the round after the one in flight, and for the one in flight. */
  let waitingNext: (() => void)[] = [];
  let waitingThis: (() => void)[] = [];
  const { worker, send, ready } = startThread<ToSync, FromSync>({
    url: new URL("./budget-worker.ts", import.meta.url),
    name: "budget sync",
    init: { t: "init", config: { dbUrl: o.dbUrl, dbAuthToken: o.dbAuthToken, replicaId: uuidv7(), allowPrivateUpstreams: o.allowPrivateUpstreams, logLevel: o.logLevel } },
    onMessage: (m) => {
      if (m.t === "state") {
        busy = false;
        if (m.state) guard.apply(m.state, Date.now());
        else guard.dropLeases();
        firstState?.();
        for (const w of waitingThis) w();
        waitingThis = waitingNext;
        waitingNext = [];
        if (waitingThis.length > 0) tick();
      }
      if (m.t === "closed") closed?.();
    },
  });
  await ready;
  function tick() {
    if (busy) return;
    busy = true;
    lastTick = Date.now();
    send({ t: "tick", shares: guard.shares(Date.now()) });
  }
  // budgets hold from the first request: wait for the first state
  await new Promise<void>((resolve) => {
    firstState = resolve;
    tick();
  });
  firstState = undefined;
  // a round every interval, and every urgentMs while callers wait for room (see guard.urgent)
  const intervalMs = o.intervalMs ?? 250;
  const timer = setInterval(() => {
    const now = Date.now();
    if (now - lastTick >= intervalMs || guard.urgent(now)) tick();
  }, Math.min(urgentMs, intervalMs));
  (timer as { unref?: () => void }).unref?.();

  return {
    guard,
    admit(req, json, bodyBytes, method) {
      if (!guard.watches(req.orgId)) return { ok: true, value: undefined };
      const facts = { orgId: req.orgId, keyId: req.keyId, feature: req.tags.feature, task: req.tags.task, provider: req.provider, model: req.model, route: req.endpoint };
      return guard.admit(
        facts,
        () =>
          estimateCall(o.prices(req.orgId), {
            provider: req.provider,
            model: req.model,
            endpoint: req.endpoint,
            method,
            at: req.createdAt,
            bodyBytes,
            json,
            recentOutputP95: guard.outputP95(req.orgId, req.model),
          }),
        req.createdAt,
      );
    },
    settle(held, event) {
      if (!held) return;
      const tokens = (event.input_tokens ?? held.estimate.inputTokens) + (event.output_tokens ?? held.estimate.outputTokens);
      guard.settle(held, event.id, event.cost_usd ?? 0, tokens, Date.now());
    },
    refresh() {
      return new Promise<void>((resolve) => {
        if (busy) waitingNext.push(resolve);
        else {
          waitingThis.push(resolve);
          tick();
        }
      });
    },
    async stop() {
      clearInterval(timer);
      const done = new Promise<void>((r) => (closed = r));
      send({ t: "close" });
      await Promise.race([done, sleep(2_000)]);
      worker.terminate();
    },
  };
}
