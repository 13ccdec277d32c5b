/**
 * Local users cannot read events or webhook secrets: the database file (and
 * SQLite's -wal/-shm beside it) is created 0600, the spool's folders 0700 and
 * its files 0600, even under a umask of 000.
 */
import { expect, test } from "bun:test";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { startMockUpstream } from "../helpers/mock-upstream.ts";
import { startLectr } from "../helpers/lectr.ts";

const mode = (p: string) => statSync(p).mode & 0o777;

test("database file, WAL, shared memory, spool folders and the journal: owner only, whatever the umask", async () => {
  await using mock = await startMockUpstream("openai");
  const before = process.umask(0o000);
  try {
    await using l = await startLectr({ baseUrls: { openai: mock.baseUrl } });
    const res = await l.request("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": l.key, authorization: "Bearer sk-test-openai" },
      body: JSON.stringify({ model: "gpt-4o", messages: [] }),
    });
    await res.text();
    await l.lectr.recorder.settled();
    const spool = `${l.dbPath}.spool`;
    const dirs = readdirSync(spool).map((d) => join(spool, d));
    const files = dirs.flatMap((d) => readdirSync(d).map((f) => join(d, f)));
    expect(files.some((f) => f.includes("journal-"))).toBe(true);
    const modes = Object.fromEntries(
      [l.dbPath, `${l.dbPath}-wal`, `${l.dbPath}-shm`, spool, ...dirs, ...files].map((p) => [p.slice(l.dir.length + 1), mode(p).toString(8)]),
    );
    const expected = Object.fromEntries(Object.keys(modes).map((p) => [p, statSync(join(l.dir, p)).isDirectory() ? "700" : "600"]));
    expect(modes).toEqual(expected);
  } finally {
    process.umask(before);
  }
});
