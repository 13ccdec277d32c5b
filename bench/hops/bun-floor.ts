/**
 * The floor for a recording gateway on our runtime: the bare Bun hop plus
 * only what any gateway that records usage must do per request, and nothing
 * else (no auth, no detection table, no pricing, no log, no event).
 *  - read the request body and parse it (the model and `stream` are in it);
 *  - copy the request headers minus its own (the hop passes them as they are);
 *  - forward with an abort signal (client disconnects and timeouts);
 *  - JSON: read the response whole and parse it (usage is at its end);
 *    SSE: hand each chunk through JavaScript (where usage is read), with a
 *    direct stream as Lectr does.
 * `UPSTREAM=http://127.0.0.1:PORT PORT=N bun bench/hops/bun-floor.ts`
 */
import { Elysia } from "elysia";

const upstream = process.env.UPSTREAM ?? "http://127.0.0.1:9000";
const port = Number(process.env.PORT ?? 0);
const decoder = new TextDecoder();

async function hop(request: Request): Promise<Response> {
  const body = new Uint8Array(await request.arrayBuffer());
  JSON.parse(decoder.decode(body));
  const headers = new Headers();
  for (const [name, value] of request.headers) if (name !== "host" && name !== "content-length" && !name.startsWith("x-lectr-")) headers.set(name, value);
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  request.signal.addEventListener("abort", onAbort, { once: true });
  const url = request.url;
  const res = await fetch(upstream + url.slice(url.indexOf("/", url.indexOf("//") + 2)), { method: request.method, headers, body, signal: ac.signal });
  const out = new Headers();
  for (const [name, value] of res.headers) if (name !== "content-length" && name !== "content-encoding") out.set(name, value);
  if (!(res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    JSON.parse(decoder.decode(bytes));
    request.signal.removeEventListener("abort", onAbort);
    return new Response(bytes, { status: res.status, headers: out });
  }
  const reader = res.body!.getReader();
  const stream = {
    type: "direct",
    async pull(c: { write(b: Uint8Array): unknown; flush(): unknown; close(): void }) {
      for (;;) {
        const r = await reader.read();
        if (r.done) return c.close();
        c.write(r.value);
        c.flush();
      }
    },
  };
  return new Response(new ReadableStream(stream as unknown as UnderlyingDefaultSource<Uint8Array>), { status: res.status, headers: out });
}

const app = new Elysia().all("/v1/*", ({ request }) => hop(request), { parse: "none" });
const server = Bun.serve({ port, hostname: "127.0.0.1", fetch: (r) => app.handle(r), idleTimeout: 0 });
console.log(`bun-floor listening on ${server.port}`);
