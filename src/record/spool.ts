/**
 * The local spool: events the database could not take are appended here as
 * JSON lines and replayed when it is back. Replay inserts by event id, so a
 * file replayed twice (a crash between insert and delete) adds nothing twice.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { EventRow } from "../db/tables.ts";

export interface Spool {
  dir: string;
  append(rows: EventRow[]): void;
  /** Closes the file being appended to, so everything so far can be replayed. */
  rotate(): void;
  /** Files ready to replay, oldest first (never the one being appended to). */
  sealed(): string[];
  read(file: string): { rows: EventRow[]; corrupt: number };
  remove(file: string): void;
  bytes(): number;
}

/** Rotate at this size so a long outage does not build one huge file. */
const maxFileBytes = 8 * 1024 * 1024;

export function openSpool(dir: string): Spool {
  mkdirSync(dir, { recursive: true });
  let current: string | undefined;
  let currentBytes = 0;
  let seq = 0;
  const name = () => `events-${Date.now().toString().padStart(15, "0")}-${process.pid}-${(seq++).toString().padStart(6, "0")}.jsonl`;
  const all = () => readdirSync(dir).filter((f) => f.startsWith("events-") && f.endsWith(".jsonl")).sort();

  return {
    dir,
    append(rows) {
      if (rows.length === 0) return;
      if (!current || currentBytes > maxFileBytes) {
        current = name();
        currentBytes = 0;
      }
      let text = "";
      for (const r of rows) text += `${JSON.stringify(r)}\n`;
      // one write per batch: a crash can cut only the last line, which replay skips
      appendFileSync(join(dir, current), text);
      currentBytes += text.length;
    },
    rotate() {
      current = undefined;
    },
    sealed() {
      return all()
        .filter((f) => f !== current)
        .map((f) => join(dir, f));
    },
    read(file) {
      const rows: EventRow[] = [];
      let corrupt = 0;
      for (const line of readFileSync(file, "utf8").split("\n")) {
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
      for (const f of all()) {
        try {
          n += statSync(join(dir, f)).size;
        } catch {
          // removed meanwhile by another process's replay
        }
      }
      return n;
    },
  };
}
