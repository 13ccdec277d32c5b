/**
 * Keeps something loaded from the database fresh in memory: loads it now,
 * again every `intervalMs` in the background (so a change made on another
 * replica applies within that), and at once when `refresh` is called after a
 * change made through this process. Readers never wait on the database.
 */
export interface Reloader {
  /** Reload now; resolves when the fresh value is in place. */
  refresh(): Promise<void>;
  stop(): void;
}

export async function startReloader<T>(
  load: () => Promise<T>,
  apply: (value: T) => void,
  intervalMs: number,
  onError: (e: unknown) => void,
): Promise<Reloader> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const run = (): Promise<void> =>
    (running = load()
      .then(apply)
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
  return { refresh, stop: () => clearInterval(timer) };
}
