/**
 * Opens the database: an embedded libSQL file by default, or a remote
 * libSQL/Turso server by URL. Both go through the same client, so every code
 * path above this file is the same for both.
 */
import { createClient, type Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as tables from "./tables.ts";
import { clientWritePath, nativeWritePath, type WritePath } from "./write-path.ts";
import { filePathOf } from "../lib/file-url.ts";
import { createPrivateFile } from "./private-file.ts";
import { inlineReads, startReadPool, type ReadPool, type ReadStats } from "./read-pool.ts";

/** Drizzle over the libSQL client; `$client` is the client itself, for the few hot paths that write raw SQL. */
export type Db = LibSQLDatabase<typeof tables> & { $client: Client };

export interface Database {
  client: Client;
  db: Db;
  /** Write transactions for the event writer (src/db/write-path.ts). */
  writePath: WritePath;
  /**
   * The read connection GraphQL and the dashboard use (src/db/read-pool.ts):
   * for a database file, threads of their own, so no read runs on the thread
   * that serves /v1; every statement bounded in time.
   */
  reads: { db: Db; client: Client; stats(): ReadStats };
  kind: "embedded" | "remote";
  url: string;
  close(): void;
}

/** Two processes on one file wait up to this long for each other's write lock. */
const busyTimeoutMs = 5_000;

export function isEmbeddedUrl(url: string): boolean {
  return url.startsWith("file:") || url === ":memory:";
}

export interface ReadOptions {
  /** Read threads for a database file (0: reads run on the calling thread, as a remote database's do). */
  threads: number;
  /** How long one read statement may run. */
  timeoutMs: number;
}

/** One read thread: on a 2-core machine a second would scan on the core the /v1 thread needs. */
const defaultReads: ReadOptions = { threads: 1, timeoutMs: 10_000 };

export async function openDatabase(url: string, authToken?: string, readOptions: ReadOptions = defaultReads): Promise<Database> {
  const embedded = isEmbeddedUrl(url);
  const path = filePathOf(url);
  if (path) createPrivateFile(path);
  const client = createClient({ url, authToken, timeout: busyTimeoutMs });
  if (embedded) {
    // WAL lets readers (GraphQL) run while the event writer commits, and lets
    // several processes share one file. The setting persists in the file.
    await client.execute("PRAGMA journal_mode=WAL");
    await client.execute("PRAGMA synchronous=NORMAL");
  }
  const file = filePathOf(url);
  // an in-memory database exists only on the client's own connection
  const onDisk = file !== undefined && !file.includes(":memory:");
  const writePath = onDisk ? nativeWritePath(file, busyTimeoutMs) : clientWritePath(client);
  // a remote client only waits on a socket (the server does the work); an in-memory database has no second connection
  const pool: ReadPool =
    embedded && onDisk && readOptions.threads > 0
      ? startReadPool({ url, authToken, threads: readOptions.threads, timeoutMs: readOptions.timeoutMs, busyTimeoutMs, writer: client })
      : inlineReads(client, readOptions.timeoutMs);
  return {
    client,
    db: drizzle(client, { schema: tables }),
    reads: { client: pool.client, db: drizzle(pool.client, { schema: tables }), stats: pool.stats },
    writePath,
    kind: embedded ? "embedded" : "remote",
    url,
    close: () => {
      pool.close();
      writePath.close();
      client.close();
    },
  };
}
