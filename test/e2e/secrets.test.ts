/**
 * A provider key sent through Lectr appears in no byte of the database files
 * or the logs, whatever happened to the request (success, stream, provider
 * error, Lectr's own rejection, unreachable upstream).
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { setAzureSettings } from "../../src/db/orgs.ts";
import { providerIds } from "../../src/providers/types.ts";
import { startLectr } from "../helpers/lectr.ts";
import { startMockUpstream } from "../helpers/mock-upstream.ts";

const canary = "sk-CANARY-7f3e9a1c5b2d4e6f8091a2b3c4d5e6f7";

/** Every file below dir: the database, its WAL and the spool. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesBelow(p) : [p];
  });
}

test("the canary provider key is nowhere in the database files or logs", async () => {
  const mocks = Object.fromEntries(await Promise.all(providerIds.map(async (p) => [p, await startMockUpstream(p, { apiKey: canary })] as const)));
  const lectr = await startLectr({
    env: { LECTR_ALLOW_PRIVATE_UPSTREAMS: "true", LECTR_LOG_LEVEL: "debug", LECTR_UPSTREAM_TIMEOUT_MS: "500" },
    baseUrls: { openai: mocks.openai!.baseUrl, anthropic: mocks.anthropic!.baseUrl, groq: "http://127.0.0.1:1/openai/v1", gemini: mocks.gemini!.baseUrl },
  });
  try {
    await setAzureSettings(lectr.lectr.database.db, lectr.orgId, { endpoint: mocks.azure!.baseUrl, apiVersion: "2024-10-21" });
    const send = (model: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      fetch(`${lectr.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-lectr-key": lectr.key, authorization: `Bearer ${canary}`, ...headers },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "Hi" }], ...extra }),
      }).then((r) => r.text());
    mocks.openai!.setBehavior({});
    const outcomes = await Promise.all([
      send("gpt-4o"),
      send("gpt-4o", { stream: true }),
      send("claude-opus-4-7", { stream: true }),
      send("gemini-2.5-pro"),
      send("prod-gpt4o", {}, { "x-lectr-provider": "azure" }),
      send("prod-gpt4o", { stream: true }, { "x-lectr-provider": "azure" }),
      send("llama-3.1-8b-instant"), // unreachable upstream
      send("gpt-4o", {}, { "x-lectr-task": "invalid" }), // rejected by Lectr
      send("gpt-4o", {}, { "x-lectr-provider": canary }), // the key in a bad header value
      send("gpt-4o", {}, { authorization: `Bearer ${canary}x` }), // provider 401
    ]);
    expect(outcomes.length).toBe(10);
    // the key did reach each upstream it was meant for
    expect(mocks.azure!.requests[0]!.headers["api-key"]).toBe(canary);
    await lectr.lectr.recorder.settled();
    expect((await lectr.events()).length).toBe(10);
    const files = filesBelow(lectr.dir);
    expect(files.some((f) => f.endsWith("lectr.db"))).toBe(true);
    const needle = Buffer.from(canary.slice(0, 24));
    for (const file of files) expect({ file, found: readFileSync(file).includes(needle) }).toEqual({ file, found: false });
    expect(lectr.logs.length).toBeGreaterThan(0);
    expect(lectr.logs.filter((l) => l.includes(canary.slice(0, 24)))).toEqual([]);
  } finally {
    await lectr.lectr.recorder.settled();
    // scan once more after the final checkpoint on shutdown
    const dir = lectr.dir;
    await lectr.lectr.shutdown();
    for (const file of filesBelow(dir)) expect(readFileSync(file).includes(Buffer.from(canary.slice(0, 24)))).toBe(false);
    await lectr.stop();
    await Promise.all(Object.values(mocks).map((m) => m.stop()));
  }
});
