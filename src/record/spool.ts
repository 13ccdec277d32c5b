/**
 * The local spool: events the database could not take are appended here as
 * JSON lines and replayed when it is back. Replay inserts by event id, so a
 * file replayed twice (a crash between insert and delete) adds nothing twice.
 *
 * Each process appends and replays only in its own subdirectory, so replicas
 * started from one folder never read or delete each other's files. Files
 * nobody owns any more (a process that stopped with the database down, or
 * files dropped in the spool's top level) are claimed by renaming them into
 * one's own directory: a rename succeeds for exactly one claimant.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { EventRow } from "../db/tables.ts";

export interface Spool {
  /** The spool's root, shared by every process configured with it. */
  dir: string;
  /** This process's own subdirectory. */
  own: string;
  append(rows: EventRow[]): void;
  /** Closes the file being appended to, so everything so far can be replayed. */
  rotate(): void;
  /** Moves files nobody owns into this process's directory; returns how many. */
  adopt(): number;
  /** Own files ready to replay, oldest first (never the one being appended to). */
  sealed(): string[];
  read(file: string): { rows: EventRow[]; corrupt: number };
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
/** A process's directory name: host, process id, random suffix. */
const isInstance = (name: string) => /^[A-Za-z0-9_-]+-\d+-[a-z0-9]{1,8}$/.test(name);

export function openSpool(dir: string, now: () => number = Date.now): Spool {
  const instance = `${hostname().replace(/[^A-Za-z0-9_-]/g, "_")}-${process.pid}-${Math.random().toString(36).slice(2, 8).padEnd(6, "0")}`;
  const own = join(dir, instance);
  const mark = join(own, ownerMark);
  const ensure = () => {
    mkdirSync(own, { recursive: true });
    writeFileSync(mark, String(process.pid));
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
      renameSync(join(from, file), join(own, `events-${file.slice("events-".length, -".jsonl".length)}-adopted.jsonl`));
      return 1;
    } catch {
      return 0; // another process claimed it first
    }
  };
  const orphaned = (d: string) => {
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
        appendFileSync(join(own, current), text);
      } catch {
        ensure();
        appendFileSync(join(own, current), text);
      }
      currentBytes += text.length;
    },
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
        if (path === own || !isInstance(entry) || !orphaned(path)) continue;
        for (const f of list(path).filter(isEventFile)) n += claim(path, f);
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
      const rows: EventRow[] = [];
      let corrupt = 0;
      let text = "";
      try {
        text = readFileSync(file, "utf8");
      } catch {
        return { rows, corrupt };
      }
      for (const line of text.split("\n")) {
        if (line === "") continue;
        try {
          rows.push(JSON.parse(line) as EventRow);
        } catch {
          corrupt++;
        }
      }
      return { rows, corrupt };
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
