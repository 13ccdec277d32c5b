/**
 * Bundles the dashboard ahead of time into src/dashboard/built/dashboard.json
 * (with the hash of its sources), so Deno, which cannot run Bun.build, serves
 * the same files Bun bundles. Run by `npm install` (postinstall) and
 * `npm run build:dashboard`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { bundleDashboard } from "../src/dashboard/bundle.ts";
import { prebuiltPath, sourceHash, type Prebuilt } from "../src/dashboard/prebuilt.ts";

export async function writePrebuilt(path = prebuiltPath): Promise<Prebuilt> {
  const built: Prebuilt = { sourceHash: sourceHash(), files: await bundleDashboard() };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(built));
  return built;
}

if (import.meta.main) {
  const built = await writePrebuilt();
  console.log(`dashboard bundled: ${built.files.length} files in ${prebuiltPath}`);
}
