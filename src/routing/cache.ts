/**
 * Every org's routing rules, held in memory and reloaded in the background
 * every `intervalMs` (so a change made on another replica applies within it),
 * and at once after a change made through this process. The request path
 * only reads the map: it never waits on the database.
 */
import type { RoutingRule } from "./rules.ts";

export interface RulesCache {
  forOrg(orgId: string): readonly RoutingRule[];
  /** Reload now; resolves when the new rules are in place. */
  refresh(): Promise<void>;
  stop(): void;
}

const none: readonly RoutingRule[] = [];

export async function startRulesCache(
  load: () => Promise<RoutingRule[]>,
  intervalMs: number,
  onError: (e: unknown) => void,
): Promise<RulesCache> {
  let byOrg = new Map<string, RoutingRule[]>();
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const run = (): Promise<void> =>
    (running = load()
      .then((rules) => {
        const next = new Map<string, RoutingRule[]>();
        for (const r of rules) {
          const list = next.get(r.orgId);
          if (list) list.push(r);
          else next.set(r.orgId, [r]);
        }
        byOrg = next;
      })
      .catch(onError)
      .finally(() => {
        running = undefined;
      }));
  const refresh = (): Promise<void> => {
    if (!running) return run();
    // The load in flight may have read before the caller's change: one more after it, shared by every caller meanwhile.
    return (queued ??= running.then(() => {
      queued = undefined;
      return run();
    }));
  };
  await refresh();
  const timer = setInterval(() => {
    if (!running) void run();
  }, intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return {
    forOrg: (orgId) => byOrg.get(orgId) ?? none,
    refresh,
    stop: () => clearInterval(timer),
  };
}
