/**
 * How many heavy requests (scan.ts: a large scan of events) each key has
 * running; past the cap a key's next one is refused, so one dashboard key
 * cannot hold every read thread.
 */
import { GraphQLError } from "graphql";

export interface HeavyGate {
  /** A release function, or undefined when `key` is at the cap. */
  enter(key: string): (() => void) | undefined;
  running(key: string): number;
}

export function createHeavyGate(maxPerKey: number): HeavyGate {
  const running = new Map<string, number>();
  return {
    enter(key) {
      const n = running.get(key) ?? 0;
      if (n >= maxPerKey) return undefined;
      running.set(key, n + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (running.get(key) ?? 1) - 1;
        if (left === 0) running.delete(key);
        else running.set(key, left);
      };
    },
    running: (key) => running.get(key) ?? 0,
  };
}

export const tooManyHeavy = (maxPerKey: number, rows: number) =>
  new GraphQLError(
    `This key already has ${maxPerKey} heavy ${maxPerKey === 1 ? "query" : "queries"} running (LECTR_HEAVY_QUERIES_PER_KEY); this one would scan about ${Math.round(rows)} events. Wait for one to finish, or ask for a shorter period.`,
    { extensions: { code: "TOO_MANY_HEAVY_QUERIES", http: { status: 429, headers: { "retry-after": "1" } } } },
  );
