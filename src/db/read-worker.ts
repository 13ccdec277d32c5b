/**
 * A read thread: its own libSQL connection to the database, so a statement
 * that scans many rows runs here, never on the thread that serves /v1 (the
 * local driver runs a statement on the calling thread until it is done).
 * One statement at a time; the asking side bounds how long one may take.
 * The thread runs at a lower CPU priority (Linux nice 5 applies to the
 * calling thread only), so on a busy machine /v1 is served first.
 */
import { setPriority } from "node:os";
import { createClient, type Client } from "@libsql/client";
import { toWire } from "./read-rows.ts";
import type { FromReader, ToReader } from "./read-messages.ts";
import { threadPort } from "../lib/thread.ts";

let client: Client | undefined;
const readerNice = 5;
const { post, close, serve } = threadPort<ToReader, FromReader>();

serve(
  async (m) => {
    try {
      setPriority(readerNice);
    } catch {
      // not permitted or not supported here: the reads still run, at the default priority
    }
    client = createClient({ url: m.url, authToken: m.authToken, timeout: m.busyTimeoutMs });
    await client.execute("SELECT 1");
    return {};
  },
  async (m) => {
    if (m.t === "close") {
      client?.close();
      return close();
    }
    try {
      const results = m.t === "execute" ? [await client!.execute(m.stmt)] : await client!.batch(m.stmts, m.mode);
      post({ t: "result", id: m.id, results: results.map(toWire) });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      post({ t: "error", id: m.id, message: error instanceof Error ? error.message : String(error), code: typeof code === "string" ? code : undefined });
    }
  },
);
