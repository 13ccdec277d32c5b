/**
 * Drives a headless Chromium (playwright-core) against a real Lectr with mock
 * upstreams. Every request the page makes is checked: anything not on
 * loopback is aborted and remembered, so a test can assert none was tried.
 * Dialogs (alert/confirm) and page errors are recorded, never waited on.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { waitFor } from "../helpers/wait-for.ts";

/** Where a system Chromium usually is (Debian's and Ubuntu's packages). */
const systemChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/**
 * The Chromium to drive, in this order: `LECTR_CHROMIUM` (a path, or `npm` for the one below), a system
 * Chromium, then the headless build `npm install` brought (@sparticuz/chromium ships it inside the
 * package and unpacks it to the temp folder on first use), so a fresh machine needs no apt step.
 */
export async function findChromium(env: Record<string, string | undefined> = process.env): Promise<string> {
  const explicit = env.LECTR_CHROMIUM;
  if (explicit && explicit !== "npm") return explicit;
  if (!explicit) for (const path of systemChromium) if (existsSync(path)) return path;
  return unpackOnce();
}

/**
 * Test files run in parallel processes, and the package returns its binary as soon as the file exists,
 * half-written or not: one process unpacks under a lock folder, the others wait for its marker.
 */
async function unpackOnce(): Promise<string> {
  const ready = join(tmpdir(), "lectr-chromium.ready");
  const lock = join(tmpdir(), "lectr-chromium.lock");
  for (;;) {
    if (existsSync(ready)) return readFileSync(ready, "utf8");
    try {
      mkdirSync(lock);
    } catch {
      // a lock older than the slowest unpack was left by a process that died holding it
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > 180_000) rmSync(lock, { recursive: true, force: true });
      else await waitFor(() => existsSync(ready) || !existsSync(lock), { timeoutMs: 180_000, intervalMs: 100, message: "Chromium was not unpacked" });
      continue;
    }
    try {
      const { default: bundled } = await import("@sparticuz/chromium");
      const path = await bundled.executablePath();
      writeFileSync(ready, path);
      return path;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
export const artifacts = join(import.meta.dir, "../artifacts");

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Requests the page tried to send off loopback (all aborted). */
  offLoopback: string[];
  dialogs: string[];
  pageErrors: string[];
  /** Console errors, e.g. "Refused to … because it violates the following Content Security Policy directive". */
  consoleErrors: string[];
  /** POSTs to /graphql so far (a test may reset it to 0). */
  graphqlRequests: number;
  /** /graphql requests sent and not answered yet. */
  readonly graphqlPending: number;
  /** A screenshot in test/artifacts/<name>.png when LECTR_SCREENSHOTS=1; the path either way. */
  shot(name: string, page?: Page): Promise<string>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const loopback = new Set(["127.0.0.1", "localhost", "[::1]"]);

export async function openBrowser(opts: { colorScheme?: "light" | "dark"; viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "lectr-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: await findChromium(),
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    colorScheme: opts.colorScheme ?? "light",
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    acceptDownloads: true,
    locale: "en-US",
    timezoneId: "UTC",
  });
  const offLoopback: string[] = [];
  const counts = { graphql: 0, pending: 0 };
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const consoleErrors: string[] = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === "http:" || url.protocol === "https:") && !loopback.has(url.hostname)) {
      offLoopback.push(url.href);
      return route.abort("blockedbyclient");
    }
    if (url.pathname === "/graphql") counts.graphql++;
    return route.continue();
  });
  const watch = (p: Page) => {
    p.on("dialog", (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    p.on("pageerror", (e) => pageErrors.push(String(e)));
    p.on("console", (m) => void (m.type() === "error" && consoleErrors.push(m.text())));
    const isGraphql = (r: { url(): string }) => new URL(r.url()).pathname === "/graphql";
    p.on("request", (r) => void (isGraphql(r) && counts.pending++));
    p.on("requestfinished", (r) => void (isGraphql(r) && counts.pending--));
    p.on("requestfailed", (r) => void (isGraphql(r) && counts.pending--));
  };
  context.on("page", watch);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  mkdirSync(artifacts, { recursive: true });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return {
    context,
    page,
    offLoopback,
    dialogs,
    pageErrors,
    consoleErrors,
    get graphqlRequests() {
      return counts.graphql;
    },
    set graphqlRequests(n: number) {
      counts.graphql = n;
    },
    get graphqlPending() {
      return counts.pending;
    },
    async shot(name, p = page) {
      const path = join(artifacts, `${name}.png`);
      // screenshots cost seconds of CPU; taken when asked (LECTR_SCREENSHOTS=1), for docs and reviews
      if (process.env.LECTR_SCREENSHOTS === "1") await p.screenshot({ path, fullPage: true });
      return path;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Signs in with an org key through the form, as a person would. */
export async function signIn(page: Page, url: string, key: string) {
  await page.goto(`${url}/`);
  await page.getByLabel(/Org key/).fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Views" }).waitFor();
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function accessibilityViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  const source = readFileSync(join(import.meta.dir, "../../node_modules/axe-core/axe.min.js"), "utf8");
  // evaluated in the page's JS world through the devtools protocol, which the CSP does not govern
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { resultTypes: ["violations"] });
  });
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")) }));
}

/** The text of every cell of a table the dashboard drew (data-table=name), header first. */
export async function tableText(page: Page, name: string): Promise<string[][]> {
  return page.locator(`table[data-table="${name}"]`).evaluate((t) =>
    [...t.querySelectorAll("tr")].map((tr) => [...tr.querySelectorAll("th, td")].map((c) => (c.textContent ?? "").replace(/[▲▼]/g, "").trim())),
  );
}
