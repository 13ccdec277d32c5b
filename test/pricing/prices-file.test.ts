/** LECTR_PRICES_FILE: laid over the built-in registry, refused with a clear message when wrong, shown by `lectr prices`. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/lib/log.ts";
import { loadPriceRegistry } from "../../src/pricing/prices-file.ts";
import { builtinPrices, mergePriceRows } from "../../src/pricing/registry.ts";
import { startServer } from "../../src/compose.ts";
import { root } from "../helpers/process.ts";

const dir = mkdtempSync(join(tmpdir(), "lectr-prices-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (content: unknown) => {
  const path = join(dir, `prices-${files++}.json`);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
};
const row = {
  provider: "openai",
  model: "gpt-4o",
  effective_from: "1970-01-01",
  input_per_mtok: 2,
  cached_input_per_mtok: 1,
  cache_write_per_mtok: null,
  output_per_mtok: 8,
  reasoning_per_mtok: null,
  source: "our contract",
  as_of: "2026-05-01",
};

describe("loadPriceRegistry", () => {
  test("no file: the built-in registry itself", () => {
    expect(loadPriceRegistry(undefined)).toBe(builtinPrices);
  });

  test("a row for a built-in model and date replaces it; a later date is a price change; a new model is added", () => {
    const reg = loadPriceRegistry(
      file([
        row,
        { ...row, effective_from: "2026-06-01", input_per_mtok: 1.5 },
        { ...row, model: "brand-new-model", input_per_mtok: 4, output_per_mtok: 16 },
      ]),
    );
    expect(reg.rows.length).toBe(builtinPrices.rows.length + 2);
    expect(reg.lookup("openai", "gpt-4o", Date.UTC(2026, 4, 1))).toMatchObject({ inputPerMTok: 2, source: "our contract" });
    expect(reg.lookup("openai", "gpt-4o-2024-08-06", Date.UTC(2026, 5, 2))).toMatchObject({ inputPerMTok: 1.5 });
    expect(reg.lookup("openai", "brand-new-model", 0)).toMatchObject({ inputPerMTok: 4 });
    // everything else is the built-in registry's
    expect(reg.lookup("anthropic", "claude-sonnet-4-5-20250929", 0)).toEqual(builtinPrices.lookup("anthropic", "claude-sonnet-4-5-20250929", 0));
    // Azure still falls back to OpenAI's rows, the file's included
    expect(reg.lookup("azure", "brand-new-model", 0)).toMatchObject({ inputPerMTok: 4 });
  });

  test("mergePriceRows keeps the base order and appends new rows", () => {
    const [a, b] = builtinPrices.rows;
    const replaced = { ...b!, inputPerMTok: 99 };
    const added = { ...a!, model: "zz" };
    expect(mergePriceRows([a!, b!], [added, replaced])).toEqual([a!, replaced, added]);
  });

  test.each([
    ["a missing file", () => join(dir, "missing.json"), /^LECTR_PRICES_FILE .*missing\.json: cannot be read \(ENOENT\)$/],
    ["a file that is not JSON", () => file("{ nope"), /^LECTR_PRICES_FILE .*: is not JSON \(.+\)$/],
    ["an object instead of rows", () => file({ rows: [] }), /: price rows: expected a JSON array of rows$/],
    ["a bad row, named", () => file([row, { ...row, model: "x", output_per_mtok: -1 }]), /: price row 1 \(openai\/x\): output_per_mtok must be a non-negative number or null, got -1$/],
    ["two rows for one model and date", () => file([row, { ...row, input_per_mtok: 3 }]), /: price rows: two rows for openai\/gpt-4o effective 1970-01-01$/],
  ])("refuses %s with a ConfigError saying why", (_name, path, message) => {
    const p = path();
    expect(() => loadPriceRegistry(p)).toThrow(ConfigError);
    expect(() => loadPriceRegistry(p)).toThrow(message);
  });
});

test("LECTR_PRICES_FILE is a setting; a bad file stops the server before it opens anything", async () => {
  const bad = file("[1]");
  const config = loadConfig({ LECTR_PRICES_FILE: bad, LECTR_DB_URL: `file:${join(dir, "never.db")}`, LECTR_PORT: "0" });
  expect(config.pricesFile).toBe(bad);
  expect(loadConfig({}).pricesFile).toBeUndefined();
  const logs: string[] = [];
  await expect(startServer(config, { log: createLogger("error", (l) => logs.push(l)), bootstrap: false })).rejects.toThrow("price row 0: expected an object, got 1");
  expect(await Bun.file(join(dir, "never.db")).exists()).toBe(false);
});

describe("lectr prices", () => {
  const lectr = async (...args: string[]) => {
    const proc = Bun.spawn([process.execPath, join(root, "src/main.ts"), ...args], {
      env: { PATH: process.env.PATH ?? "", LECTR_DB_URL: `file:${join(dir, "cli.db")}` },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { stdout, stderr, code };
  };

  test("shows the merged table: the file's rows with their source, the rest built in", async () => {
    const path = file([row, { ...row, model: "brand-new-model" }]);
    const r = await lectr("prices", "--prices-file", path, "--model", "gpt-4o");
    expect(r.code).toBe(0);
    const gpt4o = r.stdout.split("\n").filter((line) => /^openai\s+gpt-4o\s/.test(line));
    expect(gpt4o.length).toBe(1);
    expect(gpt4o[0]).toMatch(/1970-01-01\s+2\s+1\s+-\s+8\s+2026-05-01\s+our contract$/);
    // built-in rows still listed
    expect(r.stdout).toContain("gpt-4o-mini");
    const added = await lectr("prices", "--prices-file", path, "--model", "brand-new");
    expect(added.stdout).toContain("brand-new-model");
  });

  test("a bad file: exit 2 and the reason on stderr", async () => {
    const r = await lectr("prices", "--prices-file", file([{ ...row, provider: "nope" }]));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('price row 0 (nope/gpt-4o): provider must be one of openai, anthropic, groq, gemini, azure, mistral, deepseek, xai, openrouter, got "nope"');
  });
});
