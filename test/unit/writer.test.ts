/** The writer's state machine: healthy → spooling → replayed exactly once. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, appendFileSync, readdirSync, mkdirSync, writeFileSync, utimesSync, readFileSync, statSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { EventRow } from "../../src/db/tables.ts";
import { silentLogger } from "../../src/lib/log.ts";
import { openSpool, orphanAfterMs, quarantineFile } from "../../src/record/spool.ts";
import { createWriter, isBusy } from "../../src/record/writer.ts";
import { eventRow } from "../helpers/rows.ts";
import { waitFor } from "../helpers/wait-for.ts";

// deterministic ids and times, so the assertions can name them
const row = (i: number): EventRow => eventRow("o", "k", i, { id: `e${i}`, latency_ms: 1 });

interface SetupOptions {
  /** Called before each insert; may throw or wait. */
  before?: (rows: EventRow[]) => Promise<void> | void;
  timeoutMs?: number;
}

function setup(opts: SetupOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), "lectr-writer-"));
  const db = new Map<string, EventRow>();
  let down = false;
  let inserts = 0;
  const done: number[] = [];
  const spool = openSpool(join(dir, "spool"));
  const writer = createWriter({
    // an idempotent insert by id, like the real one
    insert: async (rows) => {
      inserts++;
      await opts.before?.(rows);
      if (down) throw new Error("fetch failed: ECONNREFUSED 127.0.0.1:8080");
      for (const r of rows) db.set(r.id, r);
    },
    // one org "o" with one key "k"; "k2" belongs to org "p"
    keyOwners: async (ids) => {
      if (down) throw new Error("fetch failed: ECONNREFUSED 127.0.0.1:8080");
      return new Map(ids.flatMap((id): [string, string][] => (id === "k" ? [[id, "o"]] : id === "k2" ? [[id, "p"]] : [])));
    },
    spool,
    log: silentLogger,
    batchSize: 3,
    intervalMs: 1,
    retryMs: 60_000,
    maxQueued: 10,
    timeoutMs: opts.timeoutMs,
    onDone: (n) => done.push(n),
  });
  return {
    dir,
    db,
    spool,
    writer,
    done,
    setDown: (v: boolean) => (down = v),
    inserts: () => inserts,
    // closed first: a writer left spooling would retry into the removed folder after the test
    [Symbol.asyncDispose]: async () => {
      await writer.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const eventFiles = (d: string) => readdirSync(d).filter((f) => f.endsWith(".jsonl"));

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
    expect(eventFiles(s.spool.own)).toEqual([]);
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

  test("events spooled while a replay runs are replayed by it too, without another attempt", async () => {
    let gate: (() => void) | undefined;
    let first = true;
    await using s = setup({
      before: async () => {
        if (!first) return;
        first = false;
        await new Promise<void>((r) => (gate = r));
      },
    });
    s.setDown(true);
    first = false;
    s.writer.add([row(1), row(2)]);
    await s.writer.settled();
    s.setDown(false);
    first = true;
    const replay = s.writer.replay();
    await waitFor(() => gate);
    // still unhealthy while the first file replays: these go to a new spool file
    s.writer.add([row(3), row(4)]);
    await s.writer.settled();
    expect(s.writer.stats()).toMatchObject({ healthy: false, spooled: 4 });
    gate!();
    await replay;
    expect([...s.db.keys()].sort()).toEqual(["e1", "e2", "e3", "e4"]);
    expect(s.writer.stats()).toMatchObject({ healthy: true, replayed: 4, spoolBytes: 0 });
    expect(eventFiles(s.spool.own)).toEqual([]);
  });

  test("busy or locked is retried with backoff, not spooled", async () => {
    let busy = 3;
    await using s = setup({
      before: () => {
        if (busy-- > 0) throw Object.assign(new Error("SQLITE_BUSY: database is locked"), { code: "SQLITE_BUSY" });
      },
    });
    s.writer.add([row(1), row(2), row(3)]);
    await s.writer.settled();
    expect([...s.db.keys()]).toEqual(["e1", "e2", "e3"]);
    expect(s.writer.stats()).toMatchObject({ written: 3, spooled: 0, healthy: true, busyRetries: 3 });
  });

  test("which errors are busy", () => {
    expect(
      [
        Object.assign(new Error("x"), { code: "SQLITE_BUSY" }),
        new Error("SQLITE_LOCKED: database table is locked"),
        Object.assign(new Error("SERVER_ERROR"), { cause: { message: "database is locked" } }),
        new Error("fetch failed"),
        new Error("SQLITE_CONSTRAINT"),
        "ECONNREFUSED",
      ].map(isBusy),
    ).toEqual([true, true, true, false, false, false]);
  });

  test("a write that never answers counts as a failure after the timeout; the events are spooled", async () => {
    let hang = true;
    await using s = setup({ timeoutMs: 50, before: () => (hang ? new Promise<void>(() => {}) : undefined) });
    s.writer.add([row(1), row(2), row(3)]);
    await s.writer.settled();
    expect(s.writer.stats()).toMatchObject({ written: 0, spooled: 3, healthy: false });
    hang = false;
    await s.writer.replay();
    expect([...s.db.keys()]).toEqual(["e1", "e2", "e3"]);
  });

  test("every add is reported done once its events are in the database or the spool", async () => {
    await using s = setup();
    s.writer.add([row(1)]);
    s.writer.add([row(2), row(3), row(4)]);
    await s.writer.settled();
    s.setDown(true);
    s.writer.add([row(5)]);
    await s.writer.settled();
    expect(s.done.at(-1)).toBe(3);
  });
});

describe("spooled lines are checked before replay", () => {
  const quarantined = (root: string) =>
    readFileSync(join(root, quarantineFile), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { reason: string; line: string });

  test("a forged, broken or foreign line is quarantined once with why; the good lines replay; nothing is retried", async () => {
    await using s = setup();
    const good = row(1);
    s.spool.append([good]);
    const file = s.spool.own + "/" + readdirSync(s.spool.own).find((f) => f.startsWith("events-"))!;
    const lines = [
      '{"id":"x"}',
      JSON.stringify({ ...row(2), cost_usd: 1e300 }),
      JSON.stringify({ ...row(3), cost_usd: 2_000_000 }),
      JSON.stringify({ ...row(4), key_id: "k2" }),
      JSON.stringify({ ...row(5), key_id: "nobody" }),
      JSON.stringify({ ...row(6), input_tokens: -1 }),
      JSON.stringify({ ...row(7), created_at: Date.now() + 10 * 86_400_000 }),
      "[1,2]",
      "not json",
    ];
    appendFileSync(file, lines.join("\n") + "\n");
    s.spool.rotate();
    await s.writer.replay();
    expect([...s.db.keys()]).toEqual(["e1"]);
    expect(quarantined(s.spool.dir).map((q) => q.reason).sort()).toEqual(
      [
        "missing org_id", "cost_usd out of bounds", "cost_usd out of bounds", "key belongs to another org", "unknown key",
        "input_tokens out of bounds", "created_at out of bounds", "not an object", "not JSON (a line cut by a crash, or not written by Lectr)",
      ].sort(),
    );
    expect(quarantined(s.spool.dir).map((q) => q.line).sort()).toEqual([...lines].sort());
    expect(s.writer.stats()).toMatchObject({ quarantined: 9, healthy: true, replayed: 1 });
    expect(eventFiles(s.spool.own)).toEqual([]);
    // nothing left to retry: a second pass finds nothing, quarantines nothing more
    await s.writer.replay();
    expect(s.writer.stats().quarantined).toBe(9);
  });

  test("the database failing while lines are checked is transient: the file stays, nothing is quarantined twice", async () => {
    await using s = setup();
    s.spool.append([row(1)]);
    s.spool.rotate();
    appendFileSync(s.spool.sealed()[0]!, '{"id":"x"}\n');
    s.setDown(true);
    await s.writer.replay();
    expect(s.spool.sealed().length).toBe(1);
    expect(s.writer.stats()).toMatchObject({ healthy: false, quarantined: 0 });
    s.setDown(false);
    await s.writer.replay();
    await s.writer.replay();
    expect([...s.db.keys()]).toEqual(["e1"]);
    expect(s.writer.stats()).toMatchObject({ healthy: true, quarantined: 1 });
    expect(quarantined(s.spool.dir).length).toBe(1);
  });

  test("the spool's folders are 0700 and its files 0600, whatever the umask", () => {
    const dir = mkdtempSync(join(tmpdir(), "lectr-spool-mode-"));
    const before = process.umask(0o000);
    try {
      const spool = openSpool(join(dir, "nested", "spool"));
      spool.append([row(1)]);
      spool.quarantine(spool.sealed()[0] ?? join(spool.own, "none.jsonl"), [{ line: "x", reason: "test" }], []);
      const mode = (p: string) => statSync(p).mode & 0o777;
      expect([mode(join(dir, "nested", "spool")), mode(spool.own)]).toEqual([0o700, 0o700]);
      const files = readdirSync(spool.own).map((f) => mode(join(spool.own, f)));
      expect(files.length).toBeGreaterThan(0);
      expect(files.every((m) => m === 0o600)).toBe(true);
      expect(mode(join(spool.dir, quarantineFile))).toBe(0o600);
      spool.close();
    } finally {
      process.umask(before);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("spool ownership", () => {
  test("each process appends in its own directory; files nobody owns are adopted, a live owner's are not", async () => {
    await using s = setup();
    const root = s.spool.dir;
    // a live replica's directory, a stopped one's (mark too old) and a file left in the top level
    const live = join(root, "live-1-abc123"), gone = join(root, "gone-2-def456");
    for (const d of [live, gone]) {
      mkdirSync(d);
      writeFileSync(join(d, "owner"), "1");
    }
    const old = new Date(Date.now() - orphanAfterMs - 1_000);
    utimesSync(join(gone, "owner"), old, old);
    const line = (i: number) => `${JSON.stringify(row(i))}\n`;
    writeFileSync(join(live, "events-1.jsonl"), line(1));
    writeFileSync(join(gone, "events-2.jsonl"), line(2));
    writeFileSync(join(root, "events-3.jsonl"), line(3));
    // what else lives in the folder is left alone: a file, a directory that is no process's
    writeFileSync(join(root, "lectr.db"), "not a spool file");
    mkdirSync(join(root, "backups"));
    await s.writer.replay();
    expect([...s.db.keys()].sort()).toEqual(["e2", "e3"]);
    expect(eventFiles(live)).toEqual(["events-1.jsonl"]);
    expect(readdirSync(root).sort()).toEqual(["backups", "lectr.db", "live-1-abc123", s.spool.own.slice(root.length + 1)].sort());
    // a second spool on the same root gets its own directory
    const other = openSpool(root);
    expect(other.own).not.toBe(s.spool.own);
    other.close();
  });

  test("a SIGKILLed process's journal on this host is adopted at once; a live process's (this one's) is not", async () => {
    await using s = setup();
    const root = s.spool.dir;
    const host = hostname().replace(/[^A-Za-z0-9_-]/g, "_");
    const exited = Bun.spawn(["true"]);
    await exited.exited;
    const dead = join(root, `${host}-${exited.pid}-dead01`), alive = join(root, `${host}-${process.pid}-live01`);
    for (const d of [dead, alive]) {
      mkdirSync(d);
      // both marks are fresh: only the process's absence tells them apart
      writeFileSync(join(d, "owner"), "1");
    }
    writeFileSync(join(dead, "journal-000000000000001-1-000000.jsonl"), `${JSON.stringify(row(1))}\n${JSON.stringify(row(2))}\n`);
    writeFileSync(join(alive, "journal-000000000000001-2-000000.jsonl"), `${JSON.stringify(row(3))}\n`);
    await s.writer.replay();
    expect([...s.db.keys()].sort()).toEqual(["e1", "e2"]);
    expect(readdirSync(alive).sort()).toEqual(["journal-000000000000001-2-000000.jsonl", "owner"]);
  });

  test("closing releases the directory: removed when empty, adoptable at once when not", async () => {
    await using s = setup();
    const a = openSpool(s.spool.dir);
    a.close();
    const b = openSpool(s.spool.dir);
    b.append([row(1)]);
    b.close();
    expect(s.spool.adopt()).toBe(1);
    expect(readdirSync(s.spool.dir)).toEqual([s.spool.own.slice(s.spool.dir.length + 1)]);
  });
});
