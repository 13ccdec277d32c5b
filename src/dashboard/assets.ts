/**
 * The dashboard's files. Run from source on Bun, they are bundled on the
 * first request; on Deno (from source or compiled), the bundle made at
 * install time is served while it matches the sources (prebuilt.ts).
 * scripts/build.ts replaces this module in the Bun binary with the files it
 * bundled at build time, so that binary needs nothing beside it.
 */
import type { DashboardFile } from "./bundle.ts";

export async function loadDashboardFiles(): Promise<DashboardFile[]> {
  if (typeof Bun === "undefined") return (await import("./prebuilt.ts")).readPrebuilt();
  const { bundleDashboard } = await import("./bundle.ts");
  return bundleDashboard();
}
