/**
 * Write transactions for the event writer (src/record/), Lectr's one hot
 * write path.
 *
 * On an embedded file they run on a dedicated connection that keeps its
 * prepared statements: @libsql/client prepares every statement on every
 * call, and for a 500-row INSERT preparing costs SQLite about as much as
 * running it, which halved the writer's throughput (bench/graphql.ts). It is
 * the same libSQL engine @libsql/client drives, and WAL lets it write while the
 * client's connections read. Remote databases and `:memory:` go through the
 * client; a batch of statements with its BEGIN and COMMIT is one round trip.
 *
 * Transactions are serialised: a second one waits for the first to finish.
 */
import Libsql from "libsql";
import type { Client, InStatement, InValue } from "@libsql/client";

export interface WriteResult {
  rowsAffected: number;
  rows: Record<string, unknown>[];
}

export interface WriteTx {
  /** Runs the statements in order. */
  batch(statements: InStatement[]): Promise<WriteResult[]>;
}

export interface WritePath {
  /** Runs `fn` in a write transaction: commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T>;
  /** Runs the statements in one write transaction, rolled back if any fails: one round trip to a server. */
  batch(statements: InStatement[]): Promise<WriteResult[]>;
  /** Prepared statements are kept: callers gain from a few fixed statement shapes. */
  reusesStatements: boolean;
  close(): void;
}

const toResults = (rs: { rowsAffected: number; rows: unknown }[]): WriteResult[] =>
  rs.map((r) => ({ rowsAffected: r.rowsAffected, rows: r.rows as Record<string, unknown>[] }));

export function clientWritePath(client: Client): WritePath {
  return serialised({
    async transaction(fn) {
      const tx = await client.transaction("write");
      try {
        const value = await fn({
          batch: async (statements) => (statements.length === 0 ? [] : toResults(await tx.batch(statements))),
        });
        await tx.commit();
        return value;
      } finally {
        tx.close();
      }
    },
    // BEGIN, the statements and COMMIT in one request (an interactive transaction costs a round trip per step)
    batch: async (statements) => (statements.length === 0 ? [] : toResults(await client.batch(statements, "write"))),
    reusesStatements: false,
    close() {},
  });
}

/** At most this many prepared statements are kept; callers use a small fixed set of shapes. */
const maxStatements = 256;

export function nativeWritePath(path: string, busyTimeoutMs: number): WritePath {
  let connection: Libsql.Database | undefined;
  const statements = new Map<string, Libsql.Statement<unknown[]>>();
  const open = (): Libsql.Database => {
    if (!connection) {
      connection = new Libsql(path, { timeout: busyTimeoutMs });
      connection.exec("PRAGMA synchronous=NORMAL");
    }
    return connection;
  };
  const prepare = (db: Libsql.Database, sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      if (statements.size >= maxStatements) statements.delete(statements.keys().next().value!);
      s = db.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const run = (db: Libsql.Database, statement: InStatement): WriteResult => {
    const { sql, args } = typeof statement === "string" ? { sql: statement, args: [] } : statement;
    if (!Array.isArray(args)) throw new Error("the native writer takes positional arguments only");
    const s = prepare(db, sql);
    const values = (args as InValue[]).map(toSqlite);
    if (s.reader) return { rowsAffected: 0, rows: s.all(...values) as Record<string, unknown>[] };
    return { rowsAffected: s.run(...values).changes, rows: [] };
  };
  const transaction = async <T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> => {
    const db = open();
    db.exec("BEGIN IMMEDIATE");
    try {
      const value = await fn({ batch: async (list) => list.map((s) => run(db, s)) });
      db.exec("COMMIT");
      return value;
    } catch (err) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw err;
    }
  };
  return serialised({
    transaction,
    batch: (statements) => transaction((tx) => tx.batch(statements)),
    reusesStatements: true,
    close() {
      statements.clear();
      connection?.close();
      connection = undefined;
    },
  });
}

/** @libsql/client accepts booleans and Dates; the engine's own API does not. */
function toSqlite(v: InValue): unknown {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return v.valueOf();
  return v;
}

function serialised(w: WritePath): WritePath {
  let last: Promise<unknown> = Promise.resolve();
  const after = <T>(run: () => Promise<T>): Promise<T> => {
    const next = last.then(run, run);
    last = next.catch(() => {});
    return next;
  };
  return {
    transaction: (fn) => after(() => w.transaction(fn)),
    batch: (statements) => after(() => w.batch(statements)),
    reusesStatements: w.reusesStatements,
    close: () => w.close(),
  };
}
