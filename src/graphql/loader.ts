/**
 * A minimal batch loader (the DataLoader idea): loads asked for in the same
 * tick are answered by one call, and each key is loaded once per request.
 */
export interface Loader<K, V> {
  load(key: K): Promise<V | undefined>;
}

export function createLoader<K, V>(batch: (keys: K[]) => Promise<Map<K, V>>): Loader<K, V> {
  const cache = new Map<K, Promise<V | undefined>>();
  let queue: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];

  const dispatch = () => {
    const jobs = queue;
    queue = [];
    batch(jobs.map((j) => j.key)).then(
      (found) => jobs.forEach((j) => j.resolve(found.get(j.key))),
      (err) => jobs.forEach((j) => j.reject(err)),
    );
  };

  return {
    load(key) {
      const hit = cache.get(key);
      if (hit) return hit;
      const p = new Promise<V | undefined>((resolve, reject) => {
        // After the promise jobs already queued, so sibling resolvers join the batch.
        if (queue.length === 0) void Promise.resolve().then(() => queueMicrotask(dispatch));
        queue.push({ key, resolve, reject });
      });
      cache.set(key, p);
      return p;
    },
  };
}
