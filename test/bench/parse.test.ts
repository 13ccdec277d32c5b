/** The benchmark harness's pure helpers: parsing wrk and /proc, statistics, event-count verdicts, profiles. No timing. */
import { describe, expect, test } from "bun:test";
import { flag, option } from "../../bench/lib/args.ts";
import { summarizeProfile, type CpuProfile } from "../../bench/lib/cpuprofile.ts";
import { judge } from "../../bench/lib/events-check.ts";
import { listeningInode, parseProcStat, parseStatTicks, parseStatusMemory } from "../../bench/lib/procfs.ts";
import { fmtUs, percentile, slope } from "../../bench/lib/stats.ts";
import { parseWrkResult, wrkCommand } from "../../bench/lib/wrk.ts";

describe("parseWrkResult", () => {
  const line =
    'BENCH_RESULT {"requests":36000,"duration_us":4000000,"bytes":19656000,"connect_errors":0,"read_errors":1,"write_errors":0,"status_errors":2,"timeouts":0,"lat_mean_us":410.5,"lat_max_us":9000,"p50_us":380,"p90_us":520,"p99_us":900,"p999_us":2100,"stop_ms":3600}';

  test("reads the summary line among wrk's own output; req/s is over the sending window", () => {
    const out = `Running 4s test @ http://127.0.0.1:1\n  1 threads and 16 connections\n${line}\nRequests/sec:   9000.00\n`;
    expect(parseWrkResult(out)).toEqual({
      requests: 36000,
      durationUs: 4_000_000,
      bytes: 19_656_000,
      errors: { connect: 0, read: 1, write: 0, status: 2, timeout: 0 },
      latencyUs: { mean: 410.5, max: 9000, p50: 380, p90: 520, p99: 900, p999: 2100 },
      stopMs: 3600,
      rps: 10_000,
    });
  });

  test("without a stop, req/s is over wrk's whole duration", () => {
    expect(parseWrkResult(line.replace('"stop_ms":3600', '"stop_ms":0'))?.rps).toBe(9000);
  });

  test("no summary line: undefined", () => {
    expect(parseWrkResult("unable to connect to 127.0.0.1:1 Connection refused\n")).toBeUndefined();
  });
});

describe("wrkCommand", () => {
  test("pins wrk, stops sending 400 ms before the end, passes headers to the script", () => {
    const { cmd, env } = wrkCommand({ url: "http://127.0.0.1:9", kind: "sse", connections: 64, seconds: 4, headers: { "x-lectr-key": "lk_1", authorization: "Bearer k" }, cpus: "0" });
    expect(cmd.slice(0, 11)).toEqual(["taskset", "-c", "0", "wrk", "-t", "1", "-c", "64", "-d", "4s", "--timeout"]);
    expect(cmd.at(-2)?.endsWith("bench/wrk/sse.lua")).toBe(true);
    expect({ headers: env.BENCH_HEADERS, stop: env.BENCH_STOP_MS, rate: env.BENCH_RATE }).toEqual({ headers: "x-lectr-key: lk_1|authorization: Bearer k", stop: "3600", rate: "0" });
  });
});

describe("/proc parsers", () => {
  test("stat: CPU ticks after a command name with spaces and parentheses", () => {
    const stat = "4242 (bun (worker) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 12 8 20 0 9 0 1000 100000 2000 18446744073709551615";
    expect(parseStatTicks(stat)).toEqual({ self: 325, children: 20 });
  });

  test("status: VmRSS and VmHWM", () => {
    expect(parseStatusMemory("Name:\tbun\nVmHWM:\t  131072 kB\nVmRSS:\t   65536 kB\nThreads:\t9\n")).toEqual({ rssKb: 65536, hwmKb: 131072 });
  });

  test("/proc/stat: per core busy, irq, steal and total", () => {
    const text = "cpu  100 1 50 800 10 5 4 3 0 0\ncpu0 60 1 30 400 5 3 2 1 0 0\nintr 1 2 3\n";
    expect(Object.fromEntries(parseProcStat(text))).toEqual({
      cpu: { busy: 151, irq: 9, steal: 3, total: 973 },
      cpu0: { busy: 91, irq: 5, steal: 1, total: 502 },
    });
  });
});

test("/proc/net/tcp: the inode listening on a port, not a connection from it", () => {
  const table = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:1F90 0100007F:A2B4 01 00000000:00000000 00:00000000 00000000     0        0 111 1 0000000000000000 20 4 30 10 -1",
    "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0000000000000000 100 0 0 10 0",
  ].join("\n");
  expect([listeningInode(table, 8080), listeningInode(table, 8081)]).toEqual(["222", undefined]);
});

describe("stats", () => {
  test("nearest-rank percentiles", () => {
    const v = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect([percentile(v, 50), percentile(v, 99), percentile(v, 100), percentile([7], 99)]).toEqual([50, 99, 100, 7]);
  });

  test("least-squares slope", () => {
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toBe(2);
    expect(slope([{ x: 1, y: 1 }])).toBe(0);
  });

  test("µs formatting", () => {
    expect([fmtUs(87.4), fmtUs(1240), fmtUs(12_340), fmtUs(-530), fmtUs(Number.NaN)]).toEqual(["87 µs", "1.24 ms", "12.3 ms", "−530 µs", "–"]);
  });
});

describe("judge: one event per request", () => {
  const tally = (total: number, extra: Partial<{ ok: number; noUsage: number; other: Record<string, number> }> = {}) => ({ total, ok: total, noUsage: 0, other: {}, ...extra });

  test("client, mock and events agree, all 200 with usage: pass", () => {
    expect(judge(1000, 1000, tally(1000))).toEqual({ expected: 1000, mock: 1000, events: tally(1000), pass: true, problem: undefined });
  });

  test("lost, duplicated and non-200 events are each named", () => {
    expect(judge(1000, 1000, tally(998)).problem).toBe("2 events missing");
    expect(judge(1000, 1000, tally(1001)).problem).toBe("1 events too many");
    expect(judge(10, 9, tally(10, { ok: 9, noUsage: 1, other: { "499 client_aborted": 1 } })).problem).toBe(
      'the mock answered 9, the client got 10; not 200: {"499 client_aborted":1}; 1 events without usage',
    );
  });
});

describe("summarizeProfile", () => {
  const frame = (functionName: string, url = "", lineNumber = -1) => ({ functionName, url, lineNumber });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame("(root)"), children: [2, 5] },
      { id: 2, callFrame: frame("forward", "file:///x/src/proxy/forward.ts", 49), children: [3] },
      { id: 3, callFrame: frame("fetch"), children: [] },
      { id: 4, callFrame: frame("route", "file:///x/node_modules/memoirist/src/index.ts", 19), children: [] },
      { id: 5, callFrame: frame("(program)"), children: [4] },
    ],
    // sample counts, not time deltas: the 900 ms gap before the last sample is idle time, not route's
    samples: [3, 3, 3, 2, 4, 5],
    timeDeltas: [1000, 1000, 1000, 1000, 900_000, 1000],
    startTime: 0,
    endTime: 905_000,
  };

  test("self samples per function and file; natives named by their JavaScript caller; idle frames left out", () => {
    expect(summarizeProfile(profile)).toEqual({
      samples: 5,
      wallMs: 905,
      functions: [
        { name: "fetch", where: "(native) ← forward src/proxy/forward.ts:50", samples: 3, pct: 60 },
        { name: "forward", where: "src/proxy/forward.ts:50", samples: 1, pct: 20 },
        { name: "route", where: "node_modules/memoirist/src/index.ts:20", samples: 1, pct: 20 },
      ],
      files: [
        { file: "(native)", samples: 3, pct: 60 },
        { file: "src/proxy/forward.ts", samples: 1, pct: 20 },
        { file: "node_modules/memoirist/src/index.ts", samples: 1, pct: 20 },
      ],
    });
  });
});

test("command-line options: the value after --name, bare flags, missing ones", () => {
  const argv = ["--rounds", "3", "--keep", "--targets", "lectr,bun-floor", "--last"];
  expect(option("rounds", argv)).toBe("3");
  expect(option("targets", argv)).toBe("lectr,bun-floor");
  expect(option("seconds", argv)).toBeUndefined();
  expect(option("last", argv)).toBeUndefined();
  expect(flag("keep", argv)).toBe(true);
  expect(flag("rounds", argv)).toBe(true);
  expect(flag("3", argv)).toBe(false);
});
