/**
 * Processes the harness starts: pinned to cores with taskset, output to a
 * log file, and all of them killed at exit (normal, error or Ctrl-C), so no
 * port stays bound.
 */
import { readFileSync } from "node:fs";

export interface Started {
  name: string;
  pid: number;
  proc: Bun.Subprocess;
  log: string;
  stop(): Promise<void>;
}

const running = new Set<Started>();

/** A port nobody listens on right now. */
export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

/** Only what a child needs: no npm_* variables, no caller settings leaking into a measurement. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", LANG: "C.UTF-8", ...extra };
}

export function start(opts: { name: string; cmd: string[]; cpus: string; cwd?: string; env?: Record<string, string>; log: string }): Started {
  installCleanup();
  const proc = Bun.spawn(["taskset", "-c", opts.cpus, ...opts.cmd], {
    cwd: opts.cwd,
    env: opts.env ?? cleanEnv(),
    stdout: Bun.file(opts.log),
    stderr: Bun.file(`${opts.log}.err`),
    stdin: "ignore",
  });
  const s: Started = {
    name: opts.name,
    pid: proc.pid,
    proc,
    log: opts.log,
    stop: () => stopProcess(s),
  };
  running.add(s);
  return s;
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcess(s: Started, graceMs = 10_000): Promise<void> {
  if (s.proc.exitCode === null && s.proc.signalCode === null) {
    s.proc.kill("SIGTERM");
    const killed = await Promise.race([s.proc.exited.then(() => false), Bun.sleep(graceMs).then(() => true)]);
    if (killed) {
      s.proc.kill("SIGKILL");
      await s.proc.exited;
    }
  }
  running.delete(s);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => stopProcess(s, 3_000)));
}

function killAllNow() {
  for (const s of running) {
    try {
      s.proc.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}
let cleanupInstalled = false;
/** Installed with the first process started, so importing this module has no side effects. */
function installCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", killAllNow);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      killAllNow();
      process.exit(130);
    });
  }
}

/** Re-pins every thread of a running process. */
export function pin(pid: number, cpus: string): void {
  const r = Bun.spawnSync(["taskset", "-a", "-p", "-c", cpus, String(pid)], { stdout: "ignore", stderr: "pipe" });
  if (!r.success) throw new Error(`taskset -a -p -c ${cpus} ${pid}: ${r.stderr.toString()}`);
}

/** Polls `url` until it answers (any status), or throws with the log's tail. */
export async function waitForHttp(s: Started, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => (r.body?.cancel(), true),
      () => false,
    );
    if (ok) return;
    if (s.proc.exitCode !== null || performance.now() > deadline) {
      throw new Error(`${s.name} did not start (exit ${s.proc.exitCode}):\n${tail(s.log)}\n${tail(`${s.log}.err`)}`);
    }
    await Bun.sleep(50);
  }
}

/** Polls the log until `pattern` matches; returns the first capture group. */
export async function waitForLine(s: Started, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(read(s.log));
    if (m) return m[1] ?? m[0];
    if (s.proc.exitCode !== null || performance.now() > deadline) {
      throw new Error(`${s.name}: no line matching ${pattern} (exit ${s.proc.exitCode}):\n${tail(s.log)}\n${tail(`${s.log}.err`)}`);
    }
    await Bun.sleep(50);
  }
}

function read(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

export function tail(path: string, lines = 15): string {
  return read(path).split("\n").slice(-lines).join("\n");
}

export async function run(cmd: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn(cmd, { cwd: opts.cwd, env: opts.env ?? cleanEnv(), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}
