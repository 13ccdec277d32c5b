/**
 * Portkey's gateway, installed on demand with npm into bench/.peers/
 * (git-ignored). Its streaming needs `@hono/node-server` pinned to 1.14.1 by
 * an npm override (Portkey-AI/gateway issues #1389 and #1550): later versions
 * break its SSE responses on Node.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanEnv, run } from "./proc.ts";

export const portkeyVersion = "1.15.2";
export const honoNodeServerOverride = "1.14.1";
const dir = join(import.meta.dir, "..", ".peers");
const pkgDir = join(dir, "node_modules", "@portkey-ai", "gateway");

export type PortkeyInstall = { ok: true; entry: string; version: string; nodeServer: string } | { ok: false; reason: string };

let cached: Promise<PortkeyInstall> | undefined;

export function ensurePortkey(): Promise<PortkeyInstall> {
  cached ??= install();
  return cached;
}

function installedVersion(path: string): string | undefined {
  try {
    return JSON.parse(readFileSync(join(path, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

async function install(): Promise<PortkeyInstall> {
  const nodeServerDir = join(dir, "node_modules", "@hono", "node-server");
  const fresh = () => installedVersion(pkgDir) === portkeyVersion && installedVersion(nodeServerDir) === honoNodeServerOverride;
  if (!fresh()) {
    if (!Bun.which("node")) return { ok: false, reason: "node is not installed" };
    mkdirSync(dir, { recursive: true });
    const manifest = {
      name: "lectr-bench-peers",
      private: true,
      description: "Peers the Lectr benchmark compares against; installed by bench/lib/portkey.ts",
      dependencies: { "@portkey-ai/gateway": portkeyVersion },
      overrides: { "@hono/node-server": honoNodeServerOverride },
    };
    writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`installing @portkey-ai/gateway@${portkeyVersion} into bench/.peers (override @hono/node-server ${honoNodeServerOverride})`);
    const r = await run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd: dir, env: cleanEnv() });
    if (r.code !== 0) return { ok: false, reason: `npm install @portkey-ai/gateway@${portkeyVersion} failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}` };
    if (!fresh()) return { ok: false, reason: `installed, but found gateway ${installedVersion(pkgDir)} with @hono/node-server ${installedVersion(nodeServerDir)}` };
  }
  const entry = join(pkgDir, "build", "start-server.js");
  if (!existsSync(entry)) return { ok: false, reason: `${entry} is missing from the package` };
  return { ok: true, entry, version: portkeyVersion, nodeServer: honoNodeServerOverride };
}
