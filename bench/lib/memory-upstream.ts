/**
 * The upstream, from memory, for the in-process benchmarks: `fetch` answers with the bench mock's
 * bodies and OpenAI's headers (a stream when the request asks for one), so only Lectr's own work is timed.
 */
import { jsonBody, sseEvents } from "../mock.ts";

export function answerFromMemory(): void {
  const sseBody = new Blob(sseEvents as BlobPart[]);
  const decoder = new TextDecoder();
  globalThis.fetch = (async (_url: string, init: RequestInit) => {
    const stream = decoder.decode(init.body as Uint8Array).includes('"stream":true');
    return stream
      ? new Response(sseBody.stream(), { headers: { "content-type": "text/event-stream", "x-request-id": "req_bench" } })
      : new Response(jsonBody, { headers: { "content-type": "application/json", "content-length": String(jsonBody.byteLength), "x-request-id": "req_bench" } });
  }) as typeof fetch;
}
