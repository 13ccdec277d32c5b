/**
 * The four ways an outsider tried to stall Lectr (see SECURITY.md), as
 * bounded loopback loops: fragment fan-out without a key, heavy GraphQL
 * batches with one, bodies that never finish, and one SSE event that never
 * ends. Shared by the under-attack test and `npm run bench:attack`.
 */
import { holdSocket } from "../../test/security/raw-http.ts";

/** Each fragment spreads the next one twice: 2^levels copies of the leaf. */
export const fanOut = (levels: number) =>
  `query { ...F0 } ${Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(" ")} fragment F${levels} on Query { __typename }`;

/** 27 aliases of hourly usageSeries over 399 days, ten such operations in one batch. */
export function heavyBatch(now = Date.now()): string {
  const from = now - 399 * 86_400_000;
  const aliases = Array.from({ length: 27 }, (_, i) => `a${i}: usageSeries(period: { from: ${from}, to: ${now} }, bucket: HOUR) { start requests costUsd }`).join(" ");
  return JSON.stringify(Array.from({ length: 10 }, () => ({ query: `{ ${aliases} }` })));
}

export type Attack = "fan-out" | "heavy" | "slow-bodies" | "endless-event";
export const attacks: readonly Attack[] = ["fan-out", "heavy", "slow-bodies", "endless-event"];

export interface AttackRun {
  /** HTTP statuses each loop got, by attack. */
  statuses: Record<Attack, Map<number, number>>;
  /** Bytes the endless event delivered to the attacker. */
  endlessBytes: number;
  /** The held sockets of the slow-body attack (what each received, whether the server closed it). */
  held: { received(): string; closed(): boolean; close(): void }[];
  /** Ends the loops and waits for them. */
  stop(): Promise<void>;
}

/** An upstream whose stream is one SSE event of `bytes` bytes that never ends with a blank line. */
export function startEndlessEventUpstream(bytes: number) {
  const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
  return Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(r) {
      await r.text();
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue(new TextEncoder().encode("data: ")),
        pull(c) {
          if (sent >= bytes) return c.close();
          sent += chunk.byteLength;
          c.enqueue(chunk);
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    },
  });
}

/**
 * Starts the chosen attacks against Lectr at `url` with org key `key`; the endless event goes through
 * provider `endlessProvider` (whose base URL points at startEndlessEventUpstream). Loops are bounded.
 */
export async function startAttacks(o: { url: string; key: string; which: readonly Attack[]; slowBodies: number; endlessProvider: string }): Promise<AttackRun> {
  let attacking = true;
  const statuses = Object.fromEntries(attacks.map((a) => [a, new Map<number, number>()])) as Record<Attack, Map<number, number>>;
  const count = (a: Attack, status: number) => statuses[a].set(status, (statuses[a].get(status) ?? 0) + 1);
  const loops: Promise<unknown>[] = [];
  const run: AttackRun = { statuses, endlessBytes: 0, held: [], stop: async () => ((attacking = false), void (await Promise.all(loops))) };

  if (o.which.includes("fan-out")) {
    loops.push(
      (async () => {
        for (let i = 0; attacking && i < 5_000; i++) {
          const query = fanOut(40);
          const res =
            i % 2 === 0
              ? await fetch(`${o.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) })
              : await fetch(`${o.url}/graphql?query=${encodeURIComponent(query)}`);
          await res.arrayBuffer();
          count("fan-out", res.status);
        }
      })(),
    );
  }
  if (o.which.includes("heavy")) {
    const body = heavyBatch();
    loops.push(
      (async () => {
        for (let i = 0; attacking && i < 2_000; i++) {
          const res = await fetch(`${o.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", "x-lectr-key": o.key }, body });
          await res.arrayBuffer();
          count("heavy", res.status);
        }
      })(),
    );
  }
  if (o.which.includes("slow-bodies")) {
    const port = Number(new URL(o.url).port);
    const head = `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-lectr-key: ${o.key}\r\ncontent-length: 100000\r\n\r\n{`;
    run.held = await Promise.all(Array.from({ length: o.slowBodies }, () => holdSocket(port, head)));
  }
  if (o.which.includes("endless-event")) {
    loops.push(
      (async () => {
        const res = await fetch(`${o.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-lectr-key": o.key, "x-lectr-provider": o.endlessProvider, authorization: "Bearer attacker" },
          body: JSON.stringify({ model: "llama-3.3-70b-versatile", stream: true, messages: [] }),
        });
        run.endlessBytes = (await res.arrayBuffer()).byteLength;
        count("endless-event", res.status);
      })(),
    );
  }
  return run;
}
