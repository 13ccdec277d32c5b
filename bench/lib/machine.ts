/** What the numbers were measured on and with: machine, versions, commit. */
import { existsSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { binaryPath, root } from "./targets.ts";

function sh(cmd: string[]): string {
  try {
    const r = Bun.spawnSync(cmd, { cwd: root, stdout: "pipe", stderr: "pipe" });
    return (r.stdout.toString() || r.stderr.toString()).trim();
  } catch {
    return "";
  }
}

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  memGb: number;
  kernel: string;
  bun: string;
  node: string;
  wrk: string;
  commit: string;
  dirty: boolean;
  binary: string;
}

export function describeMachine(): Machine {
  const model = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "unknown";
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpu: model.trim(),
    cores: cpus().length,
    memGb: Math.round(totalmem() / 1024 ** 3),
    kernel: sh(["uname", "-r"]),
    bun: Bun.version,
    node: sh(["node", "--version"]),
    wrk: sh(["wrk", "--version"]).split("\n")[0]?.split(" Copyright")[0] ?? "",
    commit: sh(["git", "rev-parse", "--short", "HEAD"]),
    dirty: sh(["git", "status", "--porcelain", "--", "src"]).length > 0,
    binary: existsSync(binaryPath) ? sh([binaryPath, "--version"]) : "not built",
  };
}

export function machineLine(m: Machine): string {
  return `${m.date} · ${m.cpu}, ${m.cores} cores, ${m.memGb} GiB, Linux ${m.kernel} · Bun ${m.bun}, Node ${m.node}, ${m.wrk} · Lectr ${m.commit}${m.dirty ? " with uncommitted changes in src/" : ""}, binary: ${m.binary}`;
}
