/**
 * CPU per thread and system calls per thread of one process, for
 * `bench/threads.ts`. The parsers and the grouping are pure; `threadTimes`
 * reads /proc.
 */
import { readdirSync, readFileSync } from "node:fs";
import { parseStatTicks } from "./procfs.ts";

/** The columns threads are grouped into, in report order. */
export const threadGroups = ["main", "fetch", "writer", "jit", "other"] as const;
export type ThreadGroup = (typeof threadGroups)[number];

/** The command name of a /proc/<pid>/task/<tid>/stat line (it may hold spaces and parentheses). */
export function parseThreadName(stat: string): string {
  return stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
}

/**
 * Bun names its threads: "HTTP Client" runs every fetch, a Worker (Lectr's
 * event writer) is "Worker", JavaScriptCore compiles in "JITWorker" and
 * warms up in "JSCWarmUp". Everything else (the allocator's scavenger, the
 * collector's helpers) is "other". The main thread is the one whose id is the pid.
 */
export function groupOf(name: string, tid: number, pid: number): ThreadGroup {
  if (tid === pid) return "main";
  if (name === "HTTP Client") return "fetch";
  if (name === "Worker") return "writer";
  if (name.startsWith("JITWorker") || name.startsWith("JSCWarmUp")) return "jit";
  return "other";
}

export interface ThreadTime {
  name: string;
  group: ThreadGroup;
  /** CPU time so far, in clock ticks. */
  ticks: number;
}

/** Every live thread of `pid` with its CPU ticks; threads that end while being read are left out. */
export function threadTimes(pid: number): Map<number, ThreadTime> {
  const out = new Map<number, ThreadTime>();
  for (const entry of readdirSync(`/proc/${pid}/task`)) {
    const tid = Number(entry);
    try {
      const stat = readFileSync(`/proc/${pid}/task/${entry}/stat`, "utf8");
      const name = parseThreadName(stat);
      out.set(tid, { name, group: groupOf(name, tid, pid), ticks: parseStatTicks(stat).self });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

const zeroGroups = () => Object.fromEntries(threadGroups.map((g) => [g, 0])) as Record<ThreadGroup, number>;

/** CPU µs per request of each group between two snapshots (a thread born in between counts from zero). */
export function perRequest(before: Map<number, ThreadTime>, after: Map<number, ThreadTime>, requests: number, tickUs: number): Record<ThreadGroup, number> {
  const out = zeroGroups();
  if (requests <= 0) return out;
  for (const [tid, t] of after) out[t.group] += ((t.ticks - (before.get(tid)?.ticks ?? 0)) * tickUs) / requests;
  return out;
}

/** The system calls counted per thread; `total` is every call. */
export const syscallEvents = {
  total: "raw_syscalls:sys_enter",
  sendto: "syscalls:sys_enter_sendto",
  recvfrom: "syscalls:sys_enter_recvfrom",
  write: "syscalls:sys_enter_write",
  futex: "syscalls:sys_enter_futex",
  epoll: "syscalls:sys_enter_epoll_pwait2",
} as const;
export type SyscallName = keyof typeof syscallEvents;

/**
 * `perf stat --per-thread -x,` output → counts per thread id and event
 * ("bun.exe-123,4200,,raw_syscalls:sys_enter,…"); "<not counted>" is 0.
 */
export function parsePerfStat(csv: string): Map<number, Partial<Record<SyscallName, number>>> {
  const byEvent = new Map<string, SyscallName>(Object.entries(syscallEvents).map(([k, v]) => [v, k as SyscallName]));
  const out = new Map<number, Partial<Record<SyscallName, number>>>();
  for (const line of csv.split("\n")) {
    const f = line.split(",");
    if (f.length < 4) continue;
    const name = byEvent.get(f[3]!);
    const tid = Number(f[0]!.slice(f[0]!.lastIndexOf("-") + 1));
    if (!name || !Number.isInteger(tid) || tid <= 0) continue;
    const count = Number(f[1]);
    const row = out.get(tid) ?? {};
    row[name] = (row[name] ?? 0) + (Number.isFinite(count) ? count : 0);
    out.set(tid, row);
  }
  return out;
}

export interface CoreHolds {
  /** ms on the core per group over the recording. */
  runMs: Record<ThreadGroup, number>;
  /** Stretches of at least `longMs` a group held the core without a switch. */
  long: Record<ThreadGroup, number>;
}

/**
 * `perf sched timehist` lines of one process's threads (`name[tid/pid]`, or
 * `name[pid]` for a main thread): who held the core, and how often for long.
 * Columns after the name: wait time, scheduling delay, run time (ms).
 */
export function parseTimehist(text: string, pid: number, longMs: number): CoreHolds {
  const out: CoreHolds = { runMs: zeroGroups(), long: zeroGroups() };
  const line = /^\s*[\d.]+\s+\[\d+\]\s+(.*?)\[(\d+)(?:\/(\d+))?\]\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s*$/;
  for (const l of text.split("\n")) {
    const m = line.exec(l);
    if (!m) continue;
    const tid = Number(m[2]);
    const owner = m[3] === undefined ? tid : Number(m[3]);
    if (owner !== pid) continue;
    const group = groupOf(m[1]!, tid, pid);
    const ms = Number(m[4]);
    out.runMs[group] += ms;
    if (ms >= longMs) out.long[group]++;
  }
  return out;
}

/** Where a process's resident memory is, in kB: its executable's pages, anonymous memory (heaps, stacks), libSQL's engine, other files. */
export interface MemoryParts {
  binary: number;
  anon: number;
  libsql: number;
  files: number;
}

/** Sums `Rss:` of /proc/<pid>/smaps per kind of mapping; `exe` is the path /proc/<pid>/exe points to. */
export function parseSmaps(text: string, exe: string): MemoryParts {
  const out: MemoryParts = { binary: 0, anon: 0, libsql: 0, files: 0 };
  let kind: keyof MemoryParts = "anon";
  for (const line of text.split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const path = header[1]!;
      kind = path === "" || path.startsWith("[") ? "anon" : path === exe ? "binary" : path.includes("/@libsql/") ? "libsql" : "files";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) out[kind] += Number(rss[1]);
  }
  return out;
}
