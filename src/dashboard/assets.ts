/**
 * The dashboard's files. Run from source (Bun), they are bundled on the first
 * request; scripts/build.ts replaces this module in the binary with the files
 * it bundled at build time, so the binary needs nothing beside it.
 */
import type { DashboardFile } from "./bundle.ts";

export async function loadDashboardFiles(): Promise<DashboardFile[]> {
  if (typeof Bun === "undefined") throw new Error("Run from source, the dashboard is bundled by Bun: start Lectr with bun or the binary.");
  const { bundleDashboard } = await import("./bundle.ts");
  return bundleDashboard();
}
