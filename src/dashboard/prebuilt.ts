/**
 * The dashboard bundled ahead of time, for runtimes that cannot bundle it
 * (Deno, from source or compiled): `npm install` writes it (the postinstall
 * script, scripts/bundle-dashboard.ts), with a hash of the sources it was
 * made from. It is served only while that hash still matches the sources, so
 * a stale bundle is refused with the command that fixes it, never shown.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DashboardFile } from "./bundle.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
export const prebuiltPath = join(here, "built", "dashboard.json");

export interface Prebuilt {
  sourceHash: string;
  files: DashboardFile[];
}

/** SHA-256 over every file the bundle is made from (ui/, the page, the bundler), by path. */
export function sourceHash(dir = here): string {
  const files = [...listFiles(join(dir, "ui")), join(dir, "page.ts"), join(dir, "bundle.ts")];
  const h = createHash("sha256");
  for (const f of files) h.update(`${f.slice(dir.length)}\u0000`).update(readFileSync(f)).update("\u0000");
  return h.digest("hex");
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

const rebuild = "run `npm run build:dashboard` (npm install does it too)";

/** The prebuilt files, or an error that says how to make them. */
export function readPrebuilt(path = prebuiltPath, dir = here): DashboardFile[] {
  if (!existsSync(path)) throw new Error(`the dashboard has not been bundled yet: ${rebuild}.`);
  const built = JSON.parse(readFileSync(path, "utf8")) as Prebuilt;
  if (built.sourceHash !== sourceHash(dir)) throw new Error(`the bundled dashboard is older than its sources: ${rebuild}.`);
  return built.files;
}
