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

/** Drizzle over the libSQL client; `$client` is the client itself, for the few hot paths that write raw SQL. */
export type Db = LibSQLDatabase<typeof tables> & { $client: Client };

export interface Database {
  client: Client;
  db: Db;
  /** Write transactions for the event writer (src/db/write-path.ts). */
  writePath: WritePath;
  kind: "embedded" | "remote";
  url: string;
  close(): void;
}

/** Two processes on one file wait up to this long for each other's write lock. */
const busyTimeoutMs = 5_000;

export function isEmbeddedUrl(url: string): boolean {
  return url.startsWith("file:") || url === ":memory:";
}

export async function openDatabase(url: string, authToken?: string): Promise<Database> {
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
  const writePath = file && !file.includes(":memory:") ? nativeWritePath(file, busyTimeoutMs) : clientWritePath(client);
  return {
    client,
    db: drizzle(client, { schema: tables }),
    writePath,
    kind: embedded ? "embedded" : "remote",
    url,
    close: () => {
      writePath.close();
      client.close();
    },
  };
}
