/** Webhook deliveries are bounded: sockets at once overall and per org, a bounded wait, and what overflows is recorded and retried. */
import { describe, expect, test } from "bun:test";
import { createDeliveryGate } from "../../src/budgets/delivery-gate.ts";
import { deliverAlert, maxAttempts, type DeliverDeps } from "../../src/budgets/deliver.ts";
import type { DeliveryRow } from "../../src/db/webhooks.ts";

/** An attempt that runs until released. */
function held() {
  const open: (() => void)[] = [];
  return {
    attempt: () => new Promise<string>((resolve) => open.push(() => resolve("done"))),
    release: () => open.shift()!(),
    get running() {
      return open.length;
    },
  };
}
const tick = () => new Promise<void>((r) => setTimeout(r, 0));

describe("delivery gate", () => {
  test("at most `perOrg` of one org and `concurrent` overall; the waiting are bounded; freed slots go to the oldest waiter with room", async () => {
    const gate = createDeliveryGate({ concurrent: 3, perOrg: 2, queued: 5, queuedPerOrg: 3 });
    const a = held();
    const b = held();
    const ranA = Array.from({ length: 10 }, () => gate.run("a", a.attempt));
    await tick();
    // 2 running, 3 waiting, 5 refused at once
    expect([a.running, gate.active, gate.waiting]).toEqual([2, 2, 3]);
    const settledA = await Promise.all(ranA.slice(5).map((p) => Promise.race([p, tick().then(() => "waiting")])));
    expect(settledA).toEqual([{ ran: false }, { ran: false }, { ran: false }, { ran: false }, { ran: false }]);
    // another org still gets the free slot at once; a third waits for one
    const ranB = gate.run("b", b.attempt);
    const ranC = gate.run("c", b.attempt);
    await tick();
    expect([b.running, gate.active, gate.waiting]).toEqual([1, 3, 4]);
    // one of a's ends: the oldest waiter with room is a's own next attempt
    a.release();
    await tick();
    expect([a.running, b.running, gate.active, gate.waiting]).toEqual([2, 1, 3, 3]);
    // b's ends: c, waiting behind a's (which have no room), starts
    b.release();
    await tick();
    expect([a.running, b.running, gate.active, gate.waiting]).toEqual([2, 1, 3, 2]);
    expect(await ranB).toEqual({ ran: true, value: "done" });
    b.release();
    expect(await ranC).toEqual({ ran: true, value: "done" });
    while (a.running > 0) {
      a.release();
      await tick();
    }
    expect(await Promise.all(ranA.slice(0, 5))).toEqual(Array(5).fill({ ran: true, value: "done" }));
    expect([gate.active, gate.waiting]).toEqual([0, 0]);
  });
});

describe("deliverAlert through the gate", () => {
  const alert = (orgId: string) => ({
    id: `alert-${orgId}`, orgId, budgetId: "b", periodStart: 0, kind: "threshold" as const, threshold: 80, spentUsd: 8, forecastUsd: 8, amountUsd: 10, createdAt: 0,
  });
  const facts = (orgId: string) => ({ alert: alert(orgId), budget: { id: "b", name: "b", period: "day" as const, timeZone: "UTC", action: "alert" as const }, periodEnd: 86_400_000 });
  const hook = (i: number, orgId: string) => ({ id: `w${i}`, orgId, url: `https://hooks.example.com/${i}`, format: "json" as const, secret: "s", createdAt: 0 });

  test("one org's 200 deliveries open at most its share of sockets; another org's go out meanwhile; overflow is logged and retried", async () => {
    const gate = createDeliveryGate({ concurrent: 8, perOrg: 4, queued: 1_000, queuedPerOrg: 100 });
    let open = 0;
    let peak = 0;
    const openByOrg = new Map<string, number>();
    let peakA = 0;
    const waiters: (() => void)[] = [];
    const logs: DeliveryRow[] = [];
    const deps = (orgId: string): DeliverDeps => ({
      fetch: async () => {
        open++;
        openByOrg.set(orgId, (openByOrg.get(orgId) ?? 0) + 1);
        peak = Math.max(peak, open);
        peakA = Math.max(peakA, openByOrg.get("a") ?? 0);
        // org a's receiver answers only when the test lets it; b's at once
        if (orgId === "a") await new Promise<void>((r) => waiters.push(r));
        open--;
        openByOrg.set(orgId, openByOrg.get(orgId)! - 1);
        return new Response(null, { status: 204 });
      },
      sleep: () => tick(),
      now: () => 0,
      log: async (row) => void logs.push(row),
      checkHost: async () => ({ ok: true }),
      gate,
    });
    const fromA = Array.from({ length: 200 }, (_, i) => deliverAlert(facts("a"), hook(i, "a"), deps("a")));
    await tick();
    const fromB = await Promise.all(Array.from({ length: 10 }, (_, i) => deliverAlert(facts("b"), hook(i, "b"), deps("b"))));
    // b delivered everything while a's receiver still held its sockets
    expect(fromB).toEqual(Array(10).fill(true));
    expect(waiters.length).toBe(4);
    // a's attempts beyond its 4 running and 100 waiting were not sent: logged as such, then retried with backoff
    const notSent = logs.filter((l) => l.orgId === "a" && l.error === "not sent: too many deliveries waiting");
    expect(notSent.length).toBeGreaterThan(0);
    expect(notSent.every((l) => l.status === null && !l.delivered)).toBe(true);
    for (let guard = 0; waiters.length > 0 && guard < 10_000; guard++) {
      waiters.splice(0).forEach((r) => r());
      await tick();
      await tick();
    }
    const results = await Promise.all(fromA);
    expect(peakA).toBe(4);
    expect(peak).toBeLessThanOrEqual(8);
    // every delivery ends delivered or after its last attempt, each attempt logged
    const attempts = logs.filter((l) => l.orgId === "a");
    expect(attempts.every((l) => l.attempt >= 1 && l.attempt <= maxAttempts)).toBe(true);
    expect(results.filter(Boolean).length).toBe(new Set(attempts.filter((l) => l.delivered).map((l) => l.webhookId)).size);
  });
});
