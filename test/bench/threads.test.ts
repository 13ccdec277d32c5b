/** The per-thread report's pure helpers: thread names, grouping, µs per request, perf's per-thread counts. No timing. */
import { describe, expect, test } from "bun:test";
import { groupOf, parsePerfStat, parseSmaps, parseThreadName, parseTimehist, perRequest, type ThreadTime } from "../../bench/lib/threads.ts";

describe("threads", () => {
  test("the name of a task stat line, spaces and parentheses included", () => {
    expect(parseThreadName("4250 (HTTP Client) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 12 8")).toBe("HTTP Client");
    expect(parseThreadName("4251 (a (b) c) R 1 4242")).toBe("a (b) c");
  });

  test("groups: the main thread by id, Bun's threads by name, the rest as other", () => {
    expect(groupOf("bun.exe", 100, 100)).toBe("main");
    expect(groupOf("lectr", 100, 100)).toBe("main");
    expect(groupOf("bun.exe", 101, 100)).toBe("other");
    expect(groupOf("HTTP Client", 102, 100)).toBe("fetch");
    expect(groupOf("Worker", 103, 100)).toBe("writer");
    expect(groupOf("JITWorker", 104, 100)).toBe("jit");
    expect(groupOf("JSCWarmUp", 105, 100)).toBe("jit");
    expect(groupOf("mi-scavenger", 106, 100)).toBe("other");
  });

  test("µs per request per group; a thread born between snapshots counts from zero, one that ended is left out", () => {
    const t = (name: string, group: ThreadTime["group"], ticks: number): ThreadTime => ({ name, group, ticks });
    const before = new Map([
      [100, t("bun.exe", "main", 1000)],
      [101, t("HTTP Client", "fetch", 500)],
      [102, t("JITWorker", "jit", 40)],
    ]);
    const after = new Map([
      [100, t("bun.exe", "main", 1300)],
      [101, t("HTTP Client", "fetch", 600)],
      [103, t("Worker", "writer", 20)],
      [104, t("mi-scavenger", "other", 5)],
    ]);
    // 10 ms ticks, 1,000 requests: 300 ticks = 3 s = 3,000 µs per request
    expect(perRequest(before, after, 1000, 10_000)).toEqual({ main: 3000, fetch: 1000, writer: 200, jit: 0, other: 50 });
    expect(perRequest(before, after, 0, 10_000)).toEqual({ main: 0, fetch: 0, writer: 0, jit: 0, other: 0 });
  });

  test("perf stat --per-thread -x, counts by thread id; <not counted> is zero; other events and lines ignored", () => {
    const csv = [
      "# started on Fri Nov 27 09:30:00 2026",
      "",
      "bun.exe-12226,4280,,raw_syscalls:sys_enter,5000000,100.00,,",
      "bun.exe-12226,1990,,syscalls:sys_enter_sendto,5000000,100.00,,",
      "HTTP Client-12230,<not counted>,,syscalls:sys_enter_sendto,0,100.00,,",
      "HTTP Client-12230,900,,raw_syscalls:sys_enter,5000000,100.00,,",
      "bun.exe-12226,12,,syscalls:sys_enter_kill,5000000,100.00,,",
    ].join("\n");
    const counts = parsePerfStat(csv);
    expect(counts.get(12226)).toEqual({ total: 4280, sendto: 1990 });
    expect(counts.get(12230)).toEqual({ sendto: 0, total: 900 });
    expect(counts.size).toBe(2);
  });
});

test("perf sched timehist: time on the core and long stretches per group, only the given process's threads", () => {
  const text = [
    "           time    cpu  task name                       wait time  sch delay   run time",
    "                        [tid/pid]                          (msec)     (msec)     (msec)",
    "--------------- ------  ------------------------------  ---------  ---------  ---------",
    "   16218.288666 [0001]  bun.exe[14054]                      0.031      0.000      0.241 ",
    "   16218.288720 [0001]  bun.exe[14046]                      0.548      0.252      9.054 ",
    "   16218.291532 [0001]  Worker[14062/14054]                25.040      0.068      2.812 ",
    "   16218.291628 [0001]  HTTP Client[14067/14054]            3.108      2.825      0.096 ",
    "   16218.447497 [0001]  mi-scavenger[14056/14054]           0.251      0.003      1.627 ",
    "   16218.449041 [0001]  Worker[14062/14054]                27.134      1.658      0.500 ",
    "   16218.449100 [0001]  ollector Thread[14088/14054]        1.000      0.000      0.100 ",
  ].join("\n");
  const h = parseTimehist(text, 14054, 1);
  expect(h.runMs.main).toBeCloseTo(0.241, 6);
  expect(h.runMs.writer).toBeCloseTo(3.312, 6);
  expect(h.runMs.fetch).toBeCloseTo(0.096, 6);
  expect(h.runMs.other).toBeCloseTo(1.727, 6);
  expect(h.long).toEqual({ main: 0, fetch: 0, writer: 1, jit: 0, other: 1 });
});

test("smaps: resident kB by kind of mapping (the executable, anonymous, libSQL's engine, other files)", () => {
  const exe = "/opt/lectr/node_modules/bun/bin/bun.exe";
  const text = [
    `00400000-02000000 r-xp 00000000 08:01 123 ${exe}`,
    "Size:              28672 kB",
    "Rss:               26000 kB",
    "7f0000000000-7f0001000000 rw-p 00000000 00:00 0 ",
    "Rss:                4096 kB",
    "7f0001000000-7f0001100000 rw-p 00000000 00:00 0                          [heap]",
    "Rss:                 600 kB",
    "7f0002000000-7f0002600000 r-xp 00000000 08:01 456 /opt/lectr/node_modules/@libsql/linux-x64-gnu/index.node",
    "Rss:                5200 kB",
    "7f0003000000-7f0003100000 r-xp 00000000 08:01 789 /usr/lib/x86_64-linux-gnu/libc.so.6",
    "Rss:                1500 kB",
    "VmFlags: rd ex mr mw me sd",
  ].join("\n");
  expect(parseSmaps(text, exe)).toEqual({ binary: 26000, anon: 4696, libsql: 5200, files: 1500 });
});
