/**
 * Lectr's worker threads (the event writer, budget sync, the reconciler, the
 * read pool) share one life: the parent posts `init`, the thread answers
 * `ready` or `failed`, and `close` ends it. That protocol lives here: spawning
 * a thread, waiting for it to start, and the thread's own end of it.
 */

/** The answer of a thread that could not start. */
export interface ThreadFailed {
  t: "failed";
  message: string;
}

/**
 * A module worker. `url` is `new URL("./x.ts", import.meta.url)` written at the
 * call site: the binary embeds each such file as an entry point by its name
 * (scripts/build.ts finds them there), and workers load by that URL.
 */
export function spawnThread(url: URL): Worker {
  return new Worker(url.href, { type: "module" });
}

export interface StartedThread<To, Ready> {
  worker: Worker;
  send(m: To): void;
  /** The thread's `ready` message; rejects when it answers `failed` or crashes first. */
  ready: Promise<Ready>;
}

/**
 * Spawns a thread, posts `init` and waits for it to start. Every message
 * (`ready` included) also goes to `onMessage`; `name` begins the errors.
 */
export function startThread<To, From extends { t: string }>(o: {
  url: URL;
  name: string;
  init: To;
  onMessage(m: From): void;
}): StartedThread<To, Extract<From, { t: "ready" }>> {
  const worker = spawnThread(o.url);
  const send = (m: To) => worker.postMessage(m);
  const ready = new Promise<Extract<From, { t: "ready" }>>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<From>) => {
      const m = e.data;
      if (m.t === "ready") resolve(m as Extract<From, { t: "ready" }>);
      if (m.t === "failed") reject(new Error(`${o.name} failed to start: ${(m as unknown as ThreadFailed).message}`));
      o.onMessage(m);
    };
    worker.onerror = (e) => reject(new Error(`${o.name} crashed: ${e.message}`));
  });
  send(o.init);
  return { worker, send, ready };
}

/** What a thread's `ready` message carries besides its tag. */
type ReadyFields<From> = Omit<Extract<From, { t: "ready" }>, "t">;

/**
 * Inside a thread: its end of the channel. `serve` answers `init` with
 * `ready` (what `start` returns) or `failed` (what it throws); every other
 * message goes to `handle`, one at a time as they arrive.
 */
export function threadPort<To extends { t: string }, From extends { t: string }>() {
  const self = globalThis as unknown as { postMessage(m: From): void; onmessage: ((e: MessageEvent<To>) => void) | null; close(): void };
  const post = (m: From) => self.postMessage(m);
  return {
    post,
    /** Lets the thread exit. */
    close: () => self.close(),
    serve(start: (init: Extract<To, { t: "init" }>) => Promise<ReadyFields<From>>, handle: (m: Exclude<To, { t: "init" }>) => unknown) {
      self.onmessage = async (e) => {
        const m = e.data;
        if (m.t === "init") {
          try {
            post({ t: "ready", ...(await start(m as Extract<To, { t: "init" }>)) } as unknown as From);
          } catch (err) {
            post({ t: "failed", message: String(err) } as unknown as From);
          }
          return;
        }
        await handle(m as Exclude<To, { t: "init" }>);
      };
    },
  };
}
