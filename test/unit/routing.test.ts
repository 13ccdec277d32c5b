import { describe, expect, test } from "bun:test";
import { bucketOf, matchesModel, route, type RoutingRule, type RouteFacts } from "../../src/routing/rules.ts";
import { uuidv7 } from "../../src/lib/uuid.ts";
import { applyRule } from "../../src/proxy/apply-rule.ts";
import type { RequestFacts } from "../../src/proxy/event.ts";

const rule = (over: Partial<RoutingRule>): RoutingRule => ({
  id: "r",
  orgId: "o",
  position: 0,
  feature: null,
  task: null,
  model: null,
  provider: null,
  targetModel: "gpt-4o-mini",
  targetProvider: null,
  percent: 100,
  enabled: true,
  ...over,
});
const facts = (over: Partial<RouteFacts> = {}): RouteFacts => ({
  feature: "search",
  task: "classification",
  model: "gpt-4o",
  provider: "openai",
  eventId: uuidv7(),
  keysFor: () => false,
  ...over,
});

describe("matching", () => {
  test.each([
    ["gpt-4o", "gpt-4o", true],
    ["gpt-4o", "gpt-4o-mini", false],
    ["gpt-4o*", "gpt-4o-mini", true],
    ["claude-*", "claude-opus-4-7", true],
    ["claude-*", "gpt-4o", false],
    ["*", "anything", true],
  ])("%p matches %p: %p", (pattern, model, expected) => {
    expect(matchesModel(pattern, model)).toBe(expected);
  });

  test("the first enabled matching rule in order wins", () => {
    const rules = [
      rule({ id: "disabled", enabled: false }),
      rule({ id: "other-feature", feature: "chatbot" }),
      rule({ id: "task", task: "classification", targetModel: "gpt-4.1-nano" }),
      rule({ id: "catch-all", targetModel: "gpt-4o-mini" }),
    ];
    const v = route(rules, facts());
    expect(v.kind === "routed" && [v.rule.id, v.model, v.provider]).toEqual(["task", "gpt-4.1-nano", "openai"]);
    expect(route(rules, facts({ task: "chat" })).kind === "routed" && route(rules, facts({ task: "chat" }))).toMatchObject({ rule: { id: "catch-all" } });
    expect(route([rule({ provider: "anthropic" })], facts())).toEqual({ kind: "none" });
    expect(route([], facts())).toEqual({ kind: "none" });
  });

  test("a rule that changes provider needs the target's key on the request", () => {
    const r = rule({ targetProvider: "anthropic", targetModel: "claude-haiku-4-5" });
    expect(route([r], facts())).toEqual({ kind: "skipped", rule: r, reason: "missing_provider_key" });
    expect(route([r], facts({ keysFor: (p) => p === "anthropic" }))).toEqual({ kind: "routed", rule: r, model: "claude-haiku-4-5", provider: "anthropic" });
    // same provider: no extra key needed
    expect(route([rule({ targetProvider: "openai" })], facts()).kind).toBe("routed");
  });
});

describe("percent split", () => {
  test.each([10, 25, 50, 90])("%d%% of 10,000 requests, within ±3%%", (percent) => {
    const r = rule({ percent });
    let routed = 0;
    for (let i = 0; i < 10_000; i++) if (route([r], facts()).kind === "routed") routed++;
    expect(Math.abs(routed / 100 - percent)).toBeLessThanOrEqual(3);
  });

  test("stable: the same event id always lands on the same side", () => {
    const id = uuidv7();
    const first = bucketOf(id);
    for (let i = 0; i < 10; i++) expect(bucketOf(id)).toBe(first);
    expect(route([rule({ percent: 0 })], facts({ eventId: id })).kind).toBe("outside");
    expect(route([rule({ percent: 100 })], facts({ eventId: id })).kind).toBe("routed");
  });

  test("ids created in the same millisecond still spread", () => {
    const now = Date.now();
    // 2,000 draws over 100 buckets leave one empty with probability ~1e-7
    const buckets = new Set(Array.from({ length: 2000 }, () => bucketOf(uuidv7(now))));
    expect(buckets.size).toBeGreaterThanOrEqual(99);
  });
});

describe("applyRule", () => {
  const req: RequestFacts = {
    id: uuidv7(),
    orgId: "o",
    keyId: "k",
    createdAt: 0,
    endpoint: "/v1/chat/completions",
    provider: "openai",
    providerSource: "detected",
    providerUnknown: false,
    model: "gpt-4o",
    streamed: false,
    tags: { feature: null, task: null },
    routing: { ruleId: null, fromModel: null, skipped: null },
  };
  const frozen = structuredClone(req);

  test("returns new facts for a routed request and leaves the given ones as they were", () => {
    const routed = applyRule([rule({ id: "r1", model: "gpt-4o" })], req, new Headers());
    expect(routed).toEqual({
      req: { ...req, model: "gpt-4o-mini", routing: { ruleId: "r1", fromModel: "gpt-4o", skipped: null } },
      changed: true,
      providerKey: undefined,
    });
    expect(req).toEqual(frozen);
  });

  test("a skipped rule is recorded on new facts; no rule: the same facts", () => {
    const skipped = applyRule([rule({ id: "r2", targetProvider: "anthropic", targetModel: "claude-haiku-4-5" })], req, new Headers());
    expect([skipped.changed, skipped.req.model, skipped.req.routing]).toEqual([false, "gpt-4o", { ruleId: "r2", fromModel: null, skipped: "missing_provider_key" }]);
    expect(applyRule([], req, new Headers()).req).toBe(req);
    expect(req).toEqual(frozen);
  });
});
