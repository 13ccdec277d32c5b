/**
 * The local spool: events the database could not take are appended here as
 * JSON lines and replayed when it is back. Replay inserts by event id, so a
 * file replayed twice (a crash between insert and delete) adds nothing twice.
 *
 * Each process appends and replays only in its own subdirectory, so replicas
 * started from one folder never read or delete each other's files. Files
 * nobody owns any more (a process that stopped with the database down, or
 * files dropped in the spool's top level) are claimed by renaming them into
 * one's own directory: a rename succeeds for exactly one claimant. A
 * directory whose process is gone from this host is free at once; one from
 * another host, once its owner mark is older than `orphanAfterMs`.
 *
 * Only this user may read or write it (0700 folders, 0600 files): events
 * carry each org's usage. What is read back is still checked (spooled-row.ts);
 * a line that fails is moved to `quarantine.jsonl` in the spool's top level.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { EventRow } from "../db/tables.ts";

export interface Spool {
  /** The spool's root, shared by every process configured with it. */
  dir: string;
  /** This process's own subdirectory. */
  own: string;
  append(rows: EventRow[]): void;
  /** Creates this process's directory again if it was removed. */
  ensure(): void;
  /** Closes the file being appended to, so everything so far can be replayed. */
  rotate(): void;
  /** Moves files nobody owns into this process's directory; returns how many. */
  adopt(): number;
  /** Own files ready to replay, oldest first (never the one being appended to). */
  sealed(): string[];
  /** Each line parsed (`value`), or its text when it is not JSON (`corrupt`); nothing is trusted yet. */
  read(file: string): { values: { value: unknown; line: string }[]; corrupt: string[] };
  /** Moves lines aside for good, with why (they are never replayed); the file keeps only `keep`. */
  quarantine(file: string, lines: { line: string; reason: string }[], keep: string[]): void;
  remove(file: string): void;
  /** Bytes waiting in this process's directory. */
  bytes(): number;
  /** Marks the directory as no longer owned (others may adopt what is left); removes it when empty. */
  close(): void;
}

/** Rotate at this size so a long outage does not build one huge file. */
const maxFileBytes = 8 * 1024 * 1024;
/** The owner touches its mark this often; a mark this much older belongs to a process that is gone. */
const heartbeatMs = 5_000;
export const orphanAfterMs = 30_000;
const ownerMark = "owner";
const isEventFile = (f: string) => f.startsWith("events-") && f.endsWith(".jsonl");
/** The request thread's journal files (journal.ts): replayed only once their process is gone. */
export const journalPrefix = "journal-";
const isJournalFile = (f: string) => f.startsWith(journalPrefix) && f.endsWith(".jsonl");
export const quarantineFile = "quarantine.jsonl";
const privateFile = { mode: 0o600 } as const;
const host = hostname().replace(/[^A-Za-z0-9_-]/g, "_");

/** Folders only this user may enter, whatever the umask (it can only take bits away from 0700). */
function makePrivateDir(path: string) {
  if (existsSync(path)) return;
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
}

/** The directory's process ran on this host and no longer exists (signal 0 only asks). */
function processGone(entry: string): boolean {
  const m = /^(.+)-(\d+)-[a-z0-9]{1,8}$/.exec(entry);
  if (!m || m[1] !== host || Number(m[2]) === process.pid) return false;
  try {
    process.kill(Number(m[2]), 0);
    return false;
  } catch (err) {
    return (err as { code?: string }).code === "ESRCH";
  }
}
/** A process's directory name: host, process id, random suffix. */
const isInstance = (name: string) => /^[A-Za-z0-9_-]+-\d+-[a-z0-9]{1,8}$/.test(name);

export function openSpool(dir: string, now: () => number = Date.now): Spool {
  const instance = `${host}-${process.pid}-${Math.random().toString(36).slice(2, 8).padEnd(6, "0")}`;
  const own = join(dir, instance);
  const mark = join(own, ownerMark);
  const ensure = () => {
    makePrivateDir(dir);
    makePrivateDir(own);
    writeFileSync(mark, String(process.pid), privateFile);
  };
  ensure();
  const touch = () => {
    try {
      const t = new Date(now());
      utimesSync(mark, t, t);
    } catch {
      // the directory was removed underneath: append recreates it
    }
  };
  const heartbeat = setInterval(touch, heartbeatMs);
  (heartbeat as { unref?: () => void }).unref?.();

  let current: string | undefined;
  let currentBytes = 0;
  let seq = 0;
  const name = () => `events-${now().toString().padStart(15, "0")}-${process.pid}-${(seq++).toString().padStart(6, "0")}.jsonl`;
  const list = (d: string) => {
    try {
      return readdirSync(d);
    } catch {
      return [];
    }
  };
  const claim = (from: string, file: string): number => {
    try {
      const stem = file.slice(file.indexOf("-") + 1, -".jsonl".length);
      renameSync(join(from, file), join(own, `events-${stem}-${isJournalFile(file) ? "journal" : "adopted"}.jsonl`));
      return 1;
    } catch {
      return 0; // another process claimed it first
    }
  };
  const orphaned = (d: string, entry: string) => {
    if (processGone(entry)) return true;
    try {
      return now() - statSync(join(d, ownerMark)).mtimeMs > orphanAfterMs;
    } catch {
      return true; // no mark: released by a clean stop, or never finished starting
    }
  };

  return {
    dir,
    own,
    append(rows) {
      if (rows.length === 0) return;
      if (!current || currentBytes > maxFileBytes) {
        current = name();
        currentBytes = 0;
      }
      let text = "";
      for (const r of rows) text += `${JSON.stringify(r)}\n`;
      // one write per batch: a crash can cut only the last line, which replay skips
      try {
        appendFileSync(join(own, current), text, privateFile);
      } catch {
        ensure();
        appendFileSync(join(own, current), text, privateFile);
      }
      currentBytes += text.length;
    },
    ensure,
    rotate() {
      current = undefined;
    },
    adopt() {
      let n = 0;
      for (const entry of list(dir)) {
        const path = join(dir, entry);
        if (isEventFile(entry)) {
          n += claim(dir, entry);
          continue;
        }
        // only another process's spool directory; anything else in the folder is not ours to touch
        if (path === own || !isInstance(entry) || !orphaned(path, entry)) continue;
        for (const f of list(path).filter((f) => isEventFile(f) || isJournalFile(f))) n += claim(path, f);
        if (list(path).every((f) => f === ownerMark)) {
          rmSync(join(path, ownerMark), { force: true });
          try {
            rmdirSync(path);
          } catch {
            // not empty after all (its owner woke up), or removed by another process
          }
        }
      }
      return n;
    },
    sealed() {
      return list(own)
        .filter((f) => isEventFile(f) && f !== current)
        .sort()
        .map((f) => join(own, f));
    },
    read(file) {
      const values: { value: unknown; line: string }[] = [];
      const corrupt: string[] = [];
      let text = "";
      try {
        text = readFileSync(file, "utf8");
      } catch {
        return { values, corrupt };
      }
      for (const line of text.split("\n")) {
        if (line === "") continue;
        try {
          values.push({ value: JSON.parse(line), line });
        } catch {
          corrupt.push(line);
        }
      }
      return { values, corrupt };
    },
    quarantine(file, lines, keep) {
      if (lines.length === 0) return;
      const at = now();
      let text = "";
      for (const l of lines) text += `${JSON.stringify({ at, file, reason: l.reason, line: l.line })}\n`;
      makePrivateDir(dir);
      appendFileSync(join(dir, quarantineFile), text, privateFile);
      // the file is rewritten at once, so a retry after a database failure does not quarantine them again
      writeFileSync(`${file}.tmp`, keep.map((l) => `${l}\n`).join(""), privateFile);
      renameSync(`${file}.tmp`, file);
    },
    remove(file) {
      rmSync(file, { force: true });
    },
    bytes() {
      let n = 0;
      for (const f of list(own)) {
        if (!isEventFile(f)) continue;
        try {
          n += statSync(join(own, f)).size;
        } catch {
          // removed underneath
        }
      }
      return n;
    },
    close() {
      clearInterval(heartbeat);
      current = undefined;
      rmSync(mark, { force: true });
      try {
        rmdirSync(own); // only when empty: what is left waits for the next start or another replica
      } catch {
        // events left, or already gone
      }
    },
  };
}
