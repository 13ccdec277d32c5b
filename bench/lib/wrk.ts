/**
 * Runs wrk (Debian's, installed on demand) with bench/wrk/*.lua and reads
 * the one-line JSON summary the scripts print from `done()`.
 */
import { join } from "node:path";
import { cleanEnv } from "./proc.ts";

export interface WrkResult {
  requests: number;
  durationUs: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latencyUs: { mean: number; max: number; p50: number; p90: number; p99: number; p999: number };
  /** When the scripts stopped sending (ms after start); 0 = never. */
  stopMs: number;
  /** Requests per second over the sending window (stopMs when set, else the whole run). */
  rps: number;
}

/** The `BENCH_RESULT {...}` line of wrk's output, or undefined when there is none. */
export function parseWrkResult(stdout: string): WrkResult | undefined {
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (!line) return undefined;
  const d = JSON.parse(line.slice("BENCH_RESULT ".length)) as Record<string, number>;
  const windowUs = d.stop_ms! > 0 ? d.stop_ms! * 1000 : d.duration_us!;
  return {
    requests: d.requests!,
    durationUs: d.duration_us!,
    bytes: d.bytes!,
    errors: { connect: d.connect_errors!, read: d.read_errors!, write: d.write_errors!, status: d.status_errors!, timeout: d.timeouts! },
    latencyUs: { mean: d.lat_mean_us!, max: d.lat_max_us!, p50: d.p50_us!, p90: d.p90_us!, p99: d.p99_us!, p999: d.p999_us! },
    stopMs: d.stop_ms!,
    rps: windowUs > 0 ? (d.requests! * 1e6) / windowUs : 0,
  };
}

export function errorCount(r: WrkResult): number {
  const e = r.errors;
  return e.connect + e.read + e.write + e.status + e.timeout;
}

/** Installs wrk from Debian when it is missing (the only thing the harness installs with apt). */
export async function ensureWrk(): Promise<void> {
  if (Bun.which("wrk")) return;
  console.log("wrk is missing: apt-get install -y wrk");
  for (const cmd of [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]]) {
    const p = Bun.spawnSync(cmd, { stdout: "inherit", stderr: "inherit", env: { ...cleanEnv(), DEBIAN_FRONTEND: "noninteractive" } });
    if (!p.success) throw new Error(`${cmd.join(" ")} failed; install wrk (Debian package "wrk") and run again`);
  }
}

export interface WrkRun {
  url: string;
  kind: "json" | "sse";
  connections: number;
  /** wrk's -d, whole seconds. With `drain`, the scripts stop sending `tailMs` before the end, so in-flight requests finish. */
  seconds: number;
  tailMs?: number;
  /** Stop sending at the end of the window (exact request counts). Default true. */
  drain?: boolean;
  headers: Record<string, string>;
  path?: string;
  cpus: string;
  /** Fixed request rate (requests/s); default: as fast as possible. */
  rate?: number;
}

const scripts = join(import.meta.dir, "..", "wrk");

export function wrkCommand(o: WrkRun): { cmd: string[]; env: Record<string, string> } {
  const drain = o.drain ?? true;
  const seconds = Math.max(1, Math.round(o.seconds));
  const stopMs = drain ? seconds * 1000 - (o.tailMs ?? 400) : 0;
  return {
    cmd: ["taskset", "-c", o.cpus, "wrk", "-t", "1", "-c", String(o.connections), "-d", `${seconds}s`, "--timeout", "10s", "-s", join(scripts, `${o.kind}.lua`), o.url],
    env: cleanEnv({
      BENCH_HEADERS: Object.entries(o.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join("|"),
      BENCH_PATH: o.path ?? "/v1/chat/completions",
      BENCH_STOP_MS: String(stopMs),
      BENCH_RATE: String(o.rate ?? 0),
    }),
  };
}

export async function runWrk(o: WrkRun): Promise<WrkResult> {
  const { cmd, env } = wrkCommand(o);
  const p = Bun.spawn(cmd, { env, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  const r = parseWrkResult(out);
  if (code !== 0 || !r) throw new Error(`wrk failed (exit ${code}): ${err}\n${out}`);
  return r;
}
