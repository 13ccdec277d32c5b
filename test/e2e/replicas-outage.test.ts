/**
 * Two replicas on one real libSQL server under load through a database
 * outage (stopped with SIGSTOP for 10 s; killed and restarted 4 s later):
 * every request is answered, every answered request's event is stored
 * exactly once after recovery, by the same processes.
 */
import { expect, test } from "bun:test";
import { migrate } from "../../src/db/migrate.ts";
import { generateOrgKey, hashKey, keyPrefix } from "../../src/lib/keys.ts";
import { chat, replicaHarness, stopAll, type Answer } from "../helpers/replicas.ts";
import { waitFor } from "../helpers/wait-for.ts";

const h = replicaHarness();

/**
 * Load on two replicas through a database outage of `seconds`: every request
 * is answered, every answered request's event is stored exactly once within
 * 30 s of recovery, by the same processes.
 */
async function outageUnderLoad(o: { urls: [string, string]; seconds: number; stop(): void | Promise<void>; resume(): void | Promise<void>; tag: string }) {
  const replicas = await h.startReplicas(o.urls);
  await migrate(h.db); // a no-op: the replicas ran it; this test may also run alone
  // a key both replicas learn before the outage, and one they never see before it
  const warm = generateOrgKey();
  const cold = generateOrgKey();
  const org = String((await h.db.execute("SELECT id FROM orgs")).rows[0]!.id);
  for (const [i, k] of [warm, cold].entries()) {
    await h.db.execute({
      sql: "INSERT INTO api_keys (id, org_id, prefix, key_hash, created_at) VALUES (?, ?, ?, ?, ?)",
      args: [`${o.tag}-${i}`, org, keyPrefix(k), hashKey(k), Date.now()],
    });
  }
  const before = new Set(await h.storedIds());
  const answers: Answer[] = [];
  for (const r of replicas) answers.push(await chat(r, warm));

  // steady load, paced (8 clients, one request each per 10 ms at most) so the test does not starve its neighbours of CPU
  let loading = true;
  let n = 0;
  const load = Promise.all(
    Array.from({ length: 8 }, async () => {
      while (loading) {
        const paced = new Promise((r) => setTimeout(r, 10));
        answers.push(await chat(replicas[n++ % 2]!, warm));
        await paced;
      }
    }),
  );
  await waitFor(() => answers.length >= 202, { timeoutMs: 10_000 });
  await o.stop();
  const stoppedAt = Date.now();
  try {
    // both replicas say they are not ready, and a key they never saw is turned away with a reason
    await waitFor(async () => (await Promise.all(replicas.map((r) => fetch(`${r.url}/readyz`).then((x) => x.status)))).every((s) => s === 503), {
      timeoutMs: o.seconds * 1000 - 1_000,
      message: "/readyz 503 during the outage",
    });
    const turnedAway = await chat(replicas[0]!, cold);
    expect(turnedAway).toMatchObject({ status: 503, code: "database_unavailable", retryAfter: "5", id: null });
    // more of them than the bad-key limit (20 a minute): an unreachable database is not the client's failure, no 429
    const again = await Promise.all(Array.from({ length: 25 }, () => chat(replicas[0]!, cold)));
    expect(new Set(again.map((a) => `${a.status} ${a.code}`))).toEqual(new Set(["503 database_unavailable"]));
    // the outage lasts its full length, load running throughout
    await waitFor(() => Date.now() - stoppedAt >= o.seconds * 1000, { timeoutMs: o.seconds * 1000 + 1_000, intervalMs: 100 });
  } finally {
    await o.resume();
  }
  const during = answers.length;
  loading = false;
  await load;
  expect(during).toBeGreaterThan(202);
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);

  const sent = answers.map((a) => a.id!);
  await waitFor(
    async () => {
      const stored = new Set(await h.storedIds());
      return sent.every((id) => stored.has(id));
    },
    { timeoutMs: 30_000, intervalMs: 250, message: "every answered request's event stored within 30 s of recovery" },
  );
  expect((await h.db.execute("SELECT id, count(*) AS n FROM events GROUP BY id HAVING n > 1")).rows).toEqual([]);
  expect((await h.storedIds()).filter((id) => !before.has(id)).sort()).toEqual(sent.sort());
  // the same processes, ready again, with nothing left in any spool
  expect(replicas.map((r) => r.proc.exitCode)).toEqual([null, null]);
  await waitFor(async () => (await Promise.all(replicas.map((r) => fetch(`${r.url}/readyz`).then((x) => x.status)))).every((s) => s === 200), {
    timeoutMs: 10_000,
  });
  await waitFor(() => h.spooled().length === 0, { timeoutMs: 10_000, message: "spool empty" });
  // the cold key works once the database answers
  expect((await chat(replicas[0]!, cold)).status).toBe(200);
  await stopAll(replicas);
}

test("the database stopped (SIGSTOP) for 10 s under load: every request answered, every event stored exactly once after it is back, no restart", async () => {
  await outageUnderLoad({ urls: [`ws://127.0.0.1:${h.sqld.port}`, h.sqld.url], seconds: 10, stop: () => h.sqld.pause(), resume: () => h.sqld.resume(), tag: "paused" });
}, 90_000);

test("the database killed and restarted 4 s later under load: both replicas reconnect, nothing lost or doubled", async () => {
  await outageUnderLoad({ urls: [`ws://127.0.0.1:${h.sqld.port}`, h.sqld.url], seconds: 4, stop: () => h.sqld.kill(), resume: () => h.sqld.restart(), tag: "killed" });
}, 60_000);

