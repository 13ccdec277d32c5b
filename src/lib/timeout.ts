/**
 * The one sleep and the one deadline over a promise. A timer that only bounds
 * a wait is unref'd where asked, so a pending wait never keeps a process alive
 * that is otherwise done; a deadline's timer is cleared once the promise settles.
 */
export interface TimerOptions {
  /** Let the process exit while this timer is pending. */
  unref?: boolean;
}

export function sleep(ms: number, o: TimerOptions = {}): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    if (o.unref) (t as { unref?: () => void }).unref?.();
  });
}

/**
 * `p`, or a rejection with `message` once `ms` have passed first. No `ms`
 * (undefined or 0) means no deadline.
 */
export function withTimeout<T>(p: Promise<T>, ms: number | undefined, message = `no answer in ${ms} ms`, o: TimerOptions = {}): Promise<T> {
  if (!ms) return p;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    if (o.unref) (timer as { unref?: () => void }).unref?.();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
