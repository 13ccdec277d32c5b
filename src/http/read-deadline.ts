/**
 * A deadline for a read that waits on the client (a request body arriving):
 * race each read against `expired`; a read that loses is left to the
 * connection closing after the 408. Runs on the shared ticker, so a request
 * costs no timer of its own.
 */
import { watch } from "../lib/timers.ts";

export const timedOut: unique symbol = Symbol("timed out");

export interface ReadDeadline {
  /** Resolves with `timedOut` when the time is up; never rejects. */
  expired: Promise<typeof timedOut>;
  clear(): void;
}

export function createReadDeadline(ms: number): ReadDeadline {
  const dueAt = performance.now() + ms;
  let clear = () => {};
  const expired = new Promise<typeof timedOut>((resolve) => {
    clear = watch({ due: () => dueAt, fire: () => resolve(timedOut) });
  });
  return { expired, clear };
}
