import { describe, expect, test } from "bun:test";
import { accessSync, constants, existsSync } from "node:fs";
import { findChromium } from "./harness.ts";

const executable = (path: string) => {
  accessSync(path, constants.X_OK);
  return true;
};

describe("findChromium", () => {
  test("an explicit LECTR_CHROMIUM path wins, even over a system Chromium", async () => {
    expect(await findChromium({ LECTR_CHROMIUM: "/opt/my/chrome" })).toBe("/opt/my/chrome");
  });

  test("LECTR_CHROMIUM=npm is the browser npm install brought: unpacked and runnable, no system package needed", async () => {
    const path = await findChromium({ LECTR_CHROMIUM: "npm" });
    expect(path.startsWith("/usr/")).toBe(false);
    expect(executable(path)).toBe(true);
  });

  test("unset: a system Chromium when there is one, else npm's", async () => {
    const system = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
    const path = await findChromium({});
    if (system) expect(path).toBe(system);
    else expect(path).toBe(await findChromium({ LECTR_CHROMIUM: "npm" }));
    expect(executable(path)).toBe(true);
  });
});
