/**
 * The request thread's handle on the reconciler thread (reconcile-worker.ts):
 * the same ReconcileControl the CLI uses in-process, its calls sent as
 * messages, the gauges' figures kept from the thread's last report.
 */
import { offControl, offMessage, type ReconcileControl } from "./control.ts";
import type { RunOutcome } from "./run.ts";
import type { FromThread, ThreadConfig, ToThread } from "./messages.ts";
import { sleep } from "../lib/timeout.ts";
import { startThread } from "../lib/thread.ts";

export async function startReconcilerThread(config: ThreadConfig): Promise<ReconcileControl> {
  // a server without LECTR_SECRETS_KEY never starts the thread (nor holds its memory)
  if (!config.secretsKey) return offControl(offMessage);
  const waiting = new Map<number, { resolve: (o: RunOutcome | undefined) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let gauges: ReturnType<ReconcileControl["gauges"]> = [];
  let closed: (() => void) | undefined;
  const { worker, send, ready } = startThread<ToThread, FromThread>({
    url: new URL("./reconcile-worker.ts", import.meta.url),
    name: "the reconciler",
    init: { t: "init", config },
    onMessage: (m) => {
      if (m.t === "gauges") gauges = m.rows;
      if (m.t === "done") {
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        if (m.error !== undefined) w?.reject(new Error(m.error));
        else w?.resolve(m.outcome);
      }
      if (m.t === "closed") closed?.();
    },
  });
  const { offReason } = await ready;
  const ask = (m: { t: "setKey" | "run" | "round" } & Record<string, unknown>) =>
    new Promise<RunOutcome | undefined>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      send({ ...m, id } as ToThread);
    });
  return {
    enabled: offReason === null,
    offReason,
    setKey: async (orgId, provider, key) => void (await ask({ t: "setKey", orgId, provider, key })),
    run: async (orgId, provider, from, to) => (await ask({ t: "run", orgId, provider, from, to }))!,
    round: async () => void (await ask({ t: "round" })),
    gauges: () => gauges,
    stop: () => {
      const done = new Promise<void>((r) => (closed = r));
      send({ t: "close" });
      // the thread closes its connection first; it is terminated either way
      const grace = sleep(2_000, { unref: true });
      void Promise.race([done, grace]).then(() => worker.terminate());
    },
  };
}
