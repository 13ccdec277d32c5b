/**
 * The dashboard bundled ahead of time (for Deno): it holds exactly what Bun
 * bundles from the same sources, and a bundle older than its sources, or none
 * at all, is refused with the command that fixes it.
 */
import { afterAll, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleDashboard } from "../../src/dashboard/bundle.ts";
import { readPrebuilt, sourceHash } from "../../src/dashboard/prebuilt.ts";
import { writePrebuilt } from "../../scripts/bundle-dashboard.ts";
import { root } from "../helpers/process.ts";

const dir = mkdtempSync(join(tmpdir(), "lectr-prebuilt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the prebuilt files equal a fresh bundle of the sources, and are read back while the sources match", async () => {
  const path = join(dir, "dashboard.json");
  const built = await writePrebuilt(path);
  expect(built.files).toEqual(await bundleDashboard());
  expect(built.files.map((f) => f.path).sort()).toEqual(["/", "/assets/app.css", "/assets/app.js"]);
  expect(readPrebuilt(path)).toEqual(built.files);
});

test("a source changed after bundling makes the bundle stale: refused, with the command to run", async () => {
  // a copy of the sources, so the real ones are never touched
  const src = join(dir, "src");
  cpSync(join(root, "src/dashboard"), src, { recursive: true, filter: (p) => !p.includes("/built") });
  const path = join(dir, "copy.json");
  writeFileSync(path, JSON.stringify({ sourceHash: sourceHash(src), files: [] }));
  expect(readPrebuilt(path, src)).toEqual([]);
  const format = join(src, "ui/format.ts");
  writeFileSync(format, readFileSync(format, "utf8") + "\n// changed\n");
  expect(() => readPrebuilt(path, src)).toThrow("the bundled dashboard is older than its sources: run `npm run build:dashboard` (npm install does it too).");
  expect(() => readPrebuilt(join(dir, "missing.json"), src)).toThrow("the dashboard has not been bundled yet: run `npm run build:dashboard` (npm install does it too).");
});
