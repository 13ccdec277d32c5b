/**
 * Bundles the dashboard (ui/main.tsx, its CSS and libraries) with Bun.build
 * into a few in-memory files: the binary embeds them (scripts/build.ts), a run
 * from source bundles them on the first request to `/`.
 */
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { page } from "./page.ts";

export interface DashboardFile {
  /** The URL path it is served at. */
  path: string;
  type: string;
  body: string;
}

export const uiEntry = join(import.meta.dir, "ui/main.tsx");

export async function bundleDashboard(entry = uiEntry): Promise<DashboardFile[]> {
  const result = await Bun.build({ entrypoints: [entry], target: "browser", minify: true, naming: "[name].[ext]", throw: false });
  if (!result.success) throw new Error(`the dashboard did not bundle:\n${result.logs.map(String).join("\n")}`);
  const files: DashboardFile[] = [{ path: "/", type: "text/html; charset=utf-8", body: page }];
  for (const out of result.outputs) {
    const name = out.path.replace(/^.*[\\/]/, "");
    if (name.endsWith(".js")) files.push({ path: `/assets/${name.replace(/^main\./, "app.")}`, type: "text/javascript; charset=utf-8", body: await out.text() });
    else if (name.endsWith(".css")) files.push({ path: `/assets/${name.replace(/^main\./, "app.")}`, type: "text/css; charset=utf-8", body: await out.text() });
  }
  return files;
}

/** Each file's gzipped size and the sum, in bytes: what a browser downloads. */
export function gzippedSizes(files: readonly DashboardFile[]): { files: { path: string; bytes: number }[]; total: number } {
  const sizes = files.map((f) => ({ path: f.path, bytes: gzipSync(f.body).byteLength }));
  return { files: sizes, total: sizes.reduce((n, s) => n + s.bytes, 0) };
}
