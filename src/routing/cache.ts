/**
 * Every org's routing rules, held in memory and reloaded in the background
 * every `intervalMs` (so a change made on another replica applies within it),
 * and at once after a change made through this process. The request path
 * only reads the map: it never waits on the database.
 */
import type { RoutingRule } from "./rules.ts";
import { startReloader } from "../lib/reloader.ts";

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
  const reloader = await startReloader(
    load,
    (rules) => {
      const next = new Map<string, RoutingRule[]>();
      for (const r of rules) {
        const list = next.get(r.orgId);
        if (list) list.push(r);
        else next.set(r.orgId, [r]);
      }
      byOrg = next;
    },
    intervalMs,
    onError,
  );
  return {
    forOrg: (orgId) => byOrg.get(orgId) ?? none,
    refresh: reloader.refresh,
    stop: reloader.stop,
  };
}
