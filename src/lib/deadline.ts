/**
 * A deadline for work that waits on a client (a request body arriving):
 * race any read against `expired`; a read that loses is left to the
 * connection closing after the 408.
 */
export const timedOut: unique symbol = Symbol("timed out");

export interface ReadDeadline {
  /** Resolves with `timedOut` when the time is up; never rejects. */
  expired: Promise<typeof timedOut>;
  clear(): void;
}

export function createReadDeadline(ms: number): ReadDeadline {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<typeof timedOut>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), ms);
  });
  return { expired, clear: () => clearTimeout(timer) };
}
