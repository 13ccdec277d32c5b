/** The org-key cache while the database comes and goes: stale answers for known keys, 503 for cold ones, revocation after recovery. */
import { expect, test } from "bun:test";
import type { KeyPrincipal } from "../../src/db/orgs.ts";
import { generateOrgKey, hashKey } from "../../src/lib/keys.ts";
import { createAuthenticator } from "../../src/auth/authenticator.ts";
import { waitFor } from "../helpers/wait-for.ts";

function setup() {
  let clock = 1_000_000;
  const keys = new Map<string, KeyPrincipal>();
  let mode: "up" | "refuse" | "hang" = "up";
  let lookups = 0;
  const auth = createAuthenticator(
    async (hash) => {
      lookups++;
      if (mode === "refuse") throw new Error("fetch failed: ECONNREFUSED");
      if (mode === "hang") return new Promise<never>(() => {});
      return keys.get(hash);
    },
    5_000,
    { lookupTimeoutMs: 30, now: () => clock },
  );
  const add = (revoked = false) => {
    const key = generateOrgKey();
    keys.set(hashKey(key), { keyId: key.slice(0, 11), orgId: "o", revoked, azure: undefined, scope: "admin" });
    return key;
  };
  return {
    auth,
    add,
    revoke: (key: string) => (keys.get(hashKey(key))!.revoked = true),
    setMode: (m: typeof mode) => (mode = m),
    tick: (ms: number) => (clock += ms),
    lookups: () => lookups,
  };
}

const verdict = async (s: ReturnType<typeof setup>, key: string) => {
  const r = await s.auth.authenticate(key);
  return r.ok ? "ok" : r.error.kind === "database_unavailable" ? `503/${r.error.retryAfterS}` : r.error.reason;
};

for (const mode of ["refuse", "hang"] as const) {
  test(`database ${mode === "refuse" ? "refusing" : "not answering"}: a known key keeps working past the TTL, a cold key gets database_unavailable`, async () => {
    const s = setup();
    const warm = s.add();
    const cold = s.add();
    expect(await verdict(s, warm)).toBe("ok");
    s.setMode(mode);
    s.tick(60_000);
    // the first stale lookup learns the database is away (within the lookup timeout), and answers from memory
    expect(await verdict(s, warm)).toBe("ok");
    expect(await verdict(s, cold)).toBe("503/5");
    // from now on requests do not go to the database: at most one background lookup per key is in flight
    const before = s.lookups();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => verdict(s, i % 2 ? warm : cold)));
    expect(answers).toEqual(Array.from({ length: 50 }, (_, i) => (i % 2 ? "ok" : "503/5")));
    expect(s.lookups() - before).toBeLessThanOrEqual(2);
  });
}

test("a revocation made during an outage applies as soon as the database answers again", async () => {
  const s = setup();
  const key = s.add();
  expect(await verdict(s, key)).toBe("ok");
  s.setMode("refuse");
  s.tick(10_000);
  expect(await verdict(s, key)).toBe("ok");
  s.revoke(key);
  s.setMode("up");
  // the next request still gets the last answer while the background refresh runs; then the revocation holds
  await verdict(s, key);
  await waitFor(async () => (await verdict(s, key)) === "revoked", { timeoutMs: 1_000 });
  s.tick(2_000);
  expect(await verdict(s, key)).toBe("revoked");
});

test("a cold key after the database is back is looked up normally", async () => {
  const s = setup();
  const key = s.add();
  s.setMode("refuse");
  expect(await verdict(s, key)).toBe("503/5");
  s.setMode("up");
  // the background probe started by a 503 finds the database answering again
  await waitFor(async () => (await verdict(s, key)) === "ok", { timeoutMs: 1_000 });
  expect(await verdict(s, "lk_" + "x".repeat(30))).toBe("unknown");
});

test("a second after the last failed lookup, a cold key is looked up again: the first request after recovery succeeds", async () => {
  const s = setup();
  const key = s.add();
  s.setMode("refuse");
  expect(await verdict(s, key)).toBe("503/5");
  s.setMode("up");
  s.tick(1_500);
  expect(await verdict(s, key)).toBe("ok");
});
