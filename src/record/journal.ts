/**
 * The request thread's journal: each recorded event is appended to a file in
 * this process's spool directory the moment it is recorded, which is before
 * the last byte of its response goes out. A file write survives SIGKILL of
 * the process (the kernel holds it), so events of answered requests are on
 * disk even when the writer thread never got to them. No fsync: a machine
 * crash may still lose what the OS had not written out.
 *
 * Files are cut at hand-overs to the writer thread and deleted once the
 * writer has put every event in them into the database or its spool. Files
 * left by a killed process are adopted and replayed like spool files; replay
 * inserts by event id, so events already written are not written twice.
 */
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../lib/log.ts";
import { journalPrefix, openSpool, type Spool } from "./spool.ts";

export interface Journal {
  /** Appends one event (its JSON); never throws (a failed write is logged and counted, the event still goes to the writer). */
  write(json: string): void;
  /** The events written so far are hand-over `n`: the file may be cut here. */
  handedOver(n: number): void;
  /** Hand-overs up to `n` are in the database or the writer's spool: their files go. */
  finished(n: number): void;
  /** Events the journal could not write. */
  readonly failures: number;
  /** Removes the files (every event is written) or leaves them for the next start (`keep`). */
  close(keep: boolean): void;
}

/** Cut a file at the next hand-over after this long or this size: few files, little to replay. */
const cutAfterMs = 1_000;
const cutAfterBytes = 4 * 1024 * 1024;


export function openJournal(spoolDir: string, log: Logger, now: () => number = Date.now): Journal {
  const spool: Spool = openSpool(spoolDir, now);
  let fd: number | undefined;
  let path = "";
  let openedAt = 0;
  let bytes = 0;
  let seq = 0;
  let failures = 0;
  let closed = false;
  /** Cut files, each with the last hand-over it holds. */
  const cut: { path: string; through: number }[] = [];

  const open = () => {
    path = join(spool.own, `${journalPrefix}${now().toString().padStart(15, "0")}-${process.pid}-${(seq++).toString().padStart(6, "0")}.jsonl`);
    spool.ensure();
    fd = openSync(path, "a", 0o600);
    openedAt = now();
    bytes = 0;
  };
  const closeFile = () => {
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // already closed underneath: nothing to flush, the kernel has every byte written
    }
    fd = undefined;
  };

  return {
    write(json) {
      // after close, the recorder spools late events itself
      if (closed) return;
      const line = `${json}\n`;
      try {
        if (fd === undefined) open();
        bytes += writeSync(fd!, line);
      } catch (err) {
        // the writer thread still takes the event: only its survival of a SIGKILL is lost
        if (failures++ === 0) log.error("event journal write failed; events survive a crash only once written", { error: String(err), spool: spool.own });
        closeFile();
      }
    },
    handedOver(n) {
      if (fd === undefined || (now() - openedAt < cutAfterMs && bytes < cutAfterBytes)) return;
      closeFile();
      cut.push({ path, through: n });
    },
    finished(n) {
      while (cut.length > 0 && cut[0]!.through <= n) rmSync(cut.shift()!.path, { force: true });
    },
    get failures() {
      return failures;
    },
    close(keep) {
      closed = true;
      closeFile();
      if (!keep) {
        for (const f of cut.splice(0)) rmSync(f.path, { force: true });
        if (path) rmSync(path, { force: true });
      }
      spool.close();
    },
  };
}
