/**
 * One ticker for every in-flight request's timeouts. A timer per request
 * (and another per body) costs a native allocation each; a shared 50 ms
 * sweep over a Set costs a comparison per request per tick, and a timeout
 * fires at most one tick late.
 */
export interface Watch {
  /** performance.now() at which it is due; read at every tick so it can move. */
  due(): number;
  fire(): void;
}

const tickMs = 50;
const watches = new Set<Watch>();
let ticker: ReturnType<typeof setInterval> | undefined;

function tick() {
  const now = performance.now();
  for (const w of watches) {
    if (w.due() <= now) {
      watches.delete(w);
      w.fire();
    }
  }
  if (watches.size === 0 && ticker) {
    clearInterval(ticker);
    ticker = undefined;
  }
}

export function watch(w: Watch): () => void {
  watches.add(w);
  if (!ticker) {
    ticker = setInterval(tick, tickMs);
    (ticker as { unref?: () => void }).unref?.();
  }
  return () => void watches.delete(w);
}
