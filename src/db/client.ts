/**
 * Opens the database: an embedded libSQL file by default, or a remote
 * libSQL/Turso server by URL. Both go through the same client, so every code
 * path above this file is the same for both.
 */
import { createClient, type Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as tables from "./tables.ts";

export type Db = LibSQLDatabase<typeof tables>;

export interface Database {
  client: Client;
  db: Db;
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
  const client = createClient({ url, authToken, timeout: busyTimeoutMs });
  if (embedded) {
    // WAL lets readers (GraphQL) run while the event writer commits, and lets
    // several processes share one file. The setting persists in the file.
    await client.execute("PRAGMA journal_mode=WAL");
    await client.execute("PRAGMA synchronous=NORMAL");
  }
  return {
    client,
    db: drizzle(client, { schema: tables }),
    kind: embedded ? "embedded" : "remote",
    url,
    close: () => client.close(),
  };
}

/** The file path behind a `file:` URL, for tools that read the file itself. */
export function filePathOf(url: string): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  const rest = url.slice("file:".length).split("?")[0]!;
  return rest.startsWith("//") ? rest.slice(2) : rest;
}
