/**
 * What /proc says about a process (CPU time, memory) and the machine (how
 * busy each core was, and with what). Parsers are pure, for test/bench.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export const clockTicks = (() => {
  const r = Bun.spawnSync(["getconf", "CLK_TCK"], { stdout: "pipe" });
  return Number(r.stdout.toString().trim()) || 100;
})();

/** utime+stime (and waited-for children's) from a /proc/<pid>/stat line, in clock ticks. */
export function parseStatTicks(stat: string): { self: number; children: number } {
  // the command name (field 2) may contain spaces and parentheses: fields start after the last ")"
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
  return { self: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
}

/** CPU time a process has used so far, in µs (all its threads). */
export function cpuMicros(pid: number | "self", withChildren = false): number {
  // throws when the process is gone: callers measuring a target want to know
  const t = parseStatTicks(readFileSync(`/proc/${pid}/stat`, "utf8"));
  return ((t.self + (withChildren ? t.children : 0)) * 1e6) / clockTicks;
}

/** VmRSS and VmHWM (peak) in kB from /proc/<pid>/status. */
export function parseStatusMemory(status: string): { rssKb: number; hwmKb: number } {
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
  return { rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
}

export function memory(pid: number): { rssKb: number; hwmKb: number } {
  try {
    return parseStatusMemory(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return { rssKb: 0, hwmKb: 0 };
  }
}

/**
 * Samples RSS every `everyMs` until stopped: the serving process's peak, and
 * the peak of the sum over `tree` (a relaunch parent counts too).
 */
export function watchRss(pid: number, everyMs = 100, tree: number[] = [pid]) {
  const samples: { t: number; rssKb: number }[] = [];
  let peakKb = 0;
  let treePeakKb = 0;
  const t0 = performance.now();
  const sample = () => {
    const { rssKb } = memory(pid);
    if (rssKb > peakKb) peakKb = rssKb;
    const sum = tree.reduce((n, p) => n + (p === pid ? rssKb : memory(p).rssKb), 0);
    if (sum > treePeakKb) treePeakKb = sum;
    samples.push({ t: performance.now() - t0, rssKb });
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakKb, treePeakKb, samples };
    },
  };
}

/** CPU µs of each process now; gone ones are left out. */
export function cpuSnapshot(pids: number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      out.set(pid, cpuMicros(pid));
    } catch {
      // exited
    }
  }
  return out;
}

/** CPU used between two snapshots by the processes alive in both. */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let us = 0;
  for (const [pid, a] of after) us += a - (before.get(pid) ?? a);
  return us;
}

/** Per-core jiffies from /proc/stat: busy (user+nice+system), irq+softirq, steal, total. */
export interface CoreTimes {
  busy: number;
  irq: number;
  steal: number;
  total: number;
}

export function parseProcStat(text: string): Map<string, CoreTimes> {
  const out = new Map<string, CoreTimes>();
  for (const line of text.split("\n")) {
    const m = /^(cpu\d*)\s+(.*)$/.exec(line);
    if (!m) continue;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = m[2]!.trim().split(/\s+/).map(Number) as number[];
    out.set(m[1]!, {
      busy: user! + nice! + system!,
      irq: irq! + softirq!,
      steal: steal!,
      total: user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!,
    });
  }
  return out;
}

export function machineTimes(): Map<string, CoreTimes> {
  return parseProcStat(readFileSync("/proc/stat", "utf8"));
}

/**
 * How much of the machine went to processes other than ours during a run,
 * in % of one core: the machine's user+system time minus our processes'.
 * Above a few % the run shared the machine with someone else.
 */
export function foreignLoad(before: Map<string, CoreTimes>, after: Map<string, CoreTimes>, oursMicros: number, wallMs: number): { foreignPct: number; stealPct: number } {
  const a = before.get("cpu")!;
  const b = after.get("cpu")!;
  const busyMicros = ((b.busy - a.busy) * 1e6) / clockTicks;
  const stealMicros = ((b.steal - a.steal) * 1e6) / clockTicks;
  const wallMicros = wallMs * 1000;
  return {
    foreignPct: Math.max(0, ((busyMicros - oursMicros) / wallMicros) * 100),
    stealPct: (stealMicros / wallMicros) * 100,
  };
}

/** CPU ticks (own + reaped children) and name of every process, for naming who else was busy. */
export function processTicks(): Map<number, { name: string; ticks: number }> {
  const out = new Map<number, { name: string; ticks: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const t = parseStatTicks(stat);
      out.set(Number(entry), { name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), ticks: t.self + t.children });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** The busiest processes outside `ours` between two snapshots, as "name 42%" (of one core). */
export function busiestOthers(before: Map<number, { name: string; ticks: number }>, after: Map<number, { name: string; ticks: number }>, ours: Set<number>, wallMs: number, top = 2): string[] {
  const rows: { name: string; pct: number }[] = [];
  for (const [pid, a] of after) {
    if (ours.has(pid)) continue;
    const d = a.ticks - (before.get(pid)?.ticks ?? 0);
    if (d > 0) rows.push({ name: a.name, pct: ((d * 1e6) / clockTicks / (wallMs * 1000)) * 100 });
  }
  return rows
    .sort((x, y) => y.pct - x.pct)
    .filter((r) => r.pct >= 2)
    .slice(0, top)
    .map((r) => `${r.name} ${r.pct.toFixed(0)}%`);
}

/**
 * Other processes' load plus the hypervisor's steal over `ms`, in % of one
 * core (ours and our reaped children excluded): what would distort a run.
 */
export async function sampleOtherLoad(ours: number[], ms = 300): Promise<number> {
  const cpu = () => treeCpuMicros(ours) + cpuMicros("self", true);
  const k0 = machineTimes();
  const c0 = cpu();
  const t0 = performance.now();
  await Bun.sleep(ms);
  const l = foreignLoad(k0, machineTimes(), cpu() - c0, performance.now() - t0);
  return l.foreignPct + l.stealPct;
}

/** `pid` and all its descendants, from /proc/<pid>/stat's parent field. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  if (!parents.has(pid)) return [];
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  return tree;
}

/** The socket inode listening on 127.0.0.1:`port` (or any address), from /proc/net/tcp. */
export function listeningInode(tcpTable: string, port: number): string | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const line of tcpTable.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    // f[1] local address "0100007F:1F90", f[3] state (0A = LISTEN), f[9] inode
    if (f[1]?.endsWith(`:${hex}`) && f[3] === "0A") return f[9];
  }
  return undefined;
}

/**
 * Which process of a tree actually serves `port` (a program may relaunch
 * itself and stay as a thin parent: the one to measure is the listener).
 */
export function servingPid(rootPid: number, port: number): number {
  const inode = listeningInode(readFileSync("/proc/net/tcp", "utf8"), port);
  if (!inode) return rootPid;
  for (const pid of processTree(rootPid)) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
      }
    } catch {
      // exited meanwhile
    }
  }
  return rootPid;
}

/** CPU µs of several processes, counting those already gone as 0. */
export function treeCpuMicros(pids: number[]): number {
  let us = 0;
  for (const pid of pids) {
    try {
      us += cpuMicros(pid);
    } catch {
      // exited
    }
  }
  return us;
}

/** One variable of a process's environment at start, from /proc/<pid>/environ. */
export function processEnv(pid: number, name: string): string | undefined {
  try {
    const entry = readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .find((e) => e.startsWith(`${name}=`));
    return entry?.slice(name.length + 1);
  } catch {
    return undefined;
  }
}

/** Proportional set size (shared pages split between the processes sharing them), kB. */
export function pssKb(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
