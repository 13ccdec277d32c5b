/**
 * The one way tests wait: poll a condition until it holds or a deadline
 * passes. Never a fixed sleep standing in for "the work is probably done".
 */
export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Between checks (default 10 ms). */
  intervalMs?: number;
  /** Said in the error when the condition never held. */
  message?: string;
}

/** Resolves with the condition's first truthy value; rejects with `message` at the deadline. */
export async function waitFor<T>(check: () => T | Promise<T>, opts: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 10, message = "condition not met in time" } = opts;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`${message} (waited ${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
