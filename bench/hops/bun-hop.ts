/**
 * The ceiling for our runtime: an Elysia route that fetches the upstream and
 * returns its Response, nothing else (no auth, no parsing, no recording).
 * `UPSTREAM=http://127.0.0.1:PORT PORT=N bun bench/hops/bun-hop.ts`
 */
import { Elysia } from "elysia";

const upstream = process.env.UPSTREAM ?? "http://127.0.0.1:9000";
const port = Number(process.env.PORT ?? 0);

const app = new Elysia().all(
  "/v1/*",
  async ({ request }) => {
    const url = new URL(request.url);
    return fetch(upstream + url.pathname + url.search, {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
  },
  { parse: "none" },
);
const server = Bun.serve({ port, hostname: "127.0.0.1", fetch: (r) => app.handle(r), idleTimeout: 0 });
console.log(`bun-hop listening on ${server.port}`);
