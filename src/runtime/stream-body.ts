import { runtimeName } from "./name.ts";

/**
 * A response body produced chunk by chunk by `next` (null: the end; a throw
 * errors the body). On Bun a direct stream writes each chunk straight to the
 * socket, without the queue and promise per chunk of a standard stream.
 */
export function streamBody(next: () => Promise<Uint8Array[] | null>, cancel: () => void): ReadableStream<Uint8Array> {
  if (runtimeName === "bun") {
    return new ReadableStream({
      type: "direct",
      async pull(controller: { write(c: Uint8Array): number | Promise<number>; flush(): number | Promise<number>; close(error?: Error): void }) {
        for (;;) {
          const parts = await next();
          if (parts === null) return controller.close();
          // a number means written at once; a promise, the socket is full (backpressure)
          for (const part of parts) {
            const w = controller.write(part);
            if (typeof w !== "number") await w;
          }
          const f = controller.flush();
          if (typeof f !== "number") await f;
        }
      },
      cancel,
    } as unknown as UnderlyingDefaultSource<Uint8Array>);
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const parts = await next();
      if (parts === null) controller.close();
      else for (const part of parts) controller.enqueue(part);
    },
    cancel,
  });
}
