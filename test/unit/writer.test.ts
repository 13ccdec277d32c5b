/** The writer's state machine: healthy → spooling → replayed exactly once. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, appendFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EventRow } from "../../src/db/tables.ts";
import { silentLogger } from "../../src/lib/log.ts";
import { openSpool } from "../../src/record/spool.ts";
import { createWriter } from "../../src/record/writer.ts";
import { eventRow } from "../helpers/rows.ts";

// deterministic ids and times, so the assertions can name them
const row = (i: number): EventRow => eventRow("o", "k", i, { id: `e${i}`, latency_ms: 1 });

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "lectr-writer-"));
  const db = new Map<string, EventRow>();
  let down = false;
  let inserts = 0;
  const spool = openSpool(join(dir, "spool"));
  const writer = createWriter({
    // an idempotent insert by id, like the real one
    insert: async (rows) => {
      inserts++;
      if (down) throw new Error("SQLITE_BUSY: database is locked");
      for (const r of rows) db.set(r.id, r);
    },
    spool,
    log: silentLogger,
    batchSize: 3,
    intervalMs: 1,
    retryMs: 60_000,
    maxQueued: 10,
  });
  return {
    dir,
    db,
    spool,
    writer,
    setDown: (v: boolean) => (down = v),
    inserts: () => inserts,
    // closed first: a retry timer left behind would touch the spool after the folder is gone
    [Symbol.asyncDispose]: async () => {
      await writer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe("writer", () => {
  test("healthy: batches of batchSize reach the database", async () => {
    await using s = setup();
    s.writer.add([row(1), row(2), row(3), row(4), row(5)]);
    await s.writer.settled();
    expect([...s.db.keys()]).toEqual(["e1", "e2", "e3", "e4", "e5"]);
    expect(s.inserts()).toBe(2);
    expect(s.writer.stats()).toMatchObject({ written: 5, spooled: 0, healthy: true, queued: 0 });
  });

  test("database down: events go to the spool, nothing lost; back: replayed exactly once", async () => {
    await using s = setup();
    s.setDown(true);
    s.writer.add([row(1), row(2), row(3), row(4)]);
    await s.writer.settled();
    expect(s.db.size).toBe(0);
    expect(s.writer.stats()).toMatchObject({ written: 0, spooled: 4, healthy: false });
    // while down, new events skip the database and go straight to the spool
    const before = s.inserts();
    s.writer.add([row(5)]);
    await s.writer.settled();
    expect(s.inserts()).toBe(before);
    s.setDown(false);
    await s.writer.replay();
    expect([...s.db.keys()].sort()).toEqual(["e1", "e2", "e3", "e4", "e5"]);
    expect(s.writer.stats()).toMatchObject({ replayed: 5, healthy: true, spoolBytes: 0 });
    // a second replay finds nothing
    await s.writer.replay();
    expect(s.writer.stats().replayed).toBe(5);
    s.writer.add([row(6)]);
    await s.writer.settled();
    expect(s.db.has("e6")).toBe(true);
  });

  test("a failed replay keeps the spool for the next attempt", async () => {
    await using s = setup();
    s.setDown(true);
    s.writer.add([row(1)]);
    await s.writer.settled();
    await s.writer.replay();
    expect(s.writer.stats()).toMatchObject({ healthy: false, replayed: 0 });
    expect(s.spool.sealed().length).toBe(1);
    s.setDown(false);
    await s.writer.replay();
    expect(s.db.has("e1")).toBe(true);
    expect(s.spool.sealed().length).toBe(0);
  });

  test("a spool line cut by a crash is skipped; the rest replays", async () => {
    await using s = setup();
    s.spool.append([row(1), row(2)]);
    s.spool.rotate();
    appendFileSync(s.spool.sealed()[0]!, '{"id":"e3","org_');
    await s.writer.replay();
    expect([...s.db.keys()]).toEqual(["e1", "e2"]);
    expect(readdirSync(s.spool.dir)).toEqual([]);
  });

  test("the in-memory queue is bounded: the oldest spill to the spool", async () => {
    await using s = setup();
    s.setDown(true);
    const rows = Array.from({ length: 25 }, (_, i) => row(i));
    s.writer.add(rows);
    expect(s.writer.stats().queued).toBeLessThanOrEqual(10);
    await s.writer.settled();
    s.setDown(false);
    await s.writer.replay();
    expect(s.db.size).toBe(25);
  });
});
