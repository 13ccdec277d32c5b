/**
 * monthSpend through GraphQL: the calendar month holding now, in UTC or a
 * chosen zone, against last month to the same point and in full, per
 * provider, with a clear error for a zone that does not exist. Events are
 * placed relative to the real clock (GraphQL reads it per request).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { insertEvents } from "../../src/db/events.ts";
import { periodBounds } from "../../src/budgets/budget-period.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { eventRow } from "../helpers/rows.ts";
import { gqlClient, orgKey, type Gql } from "./client.ts";

let l: TestLectr;
let gql: Gql;
const now = Date.now();
const month = periodBounds("month", "UTC", now);
const last = periodBounds("month", "UTC", month.start - 1);

beforeAll(async () => {
  l = await startLectr();
  gql = gqlClient(l, orgKey(l.key));
  await insertEvents(l.lectr.database.writePath, [
    // this month: its very first millisecond, $2 on OpenAI and $1 on Groq
    eventRow(l.orgId, "k", month.start, { cost_usd: 2 }),
    eventRow(l.orgId, "k", month.start, { provider: "groq", model: "llama-3.3-70b-versatile", cost_usd: 1 }),
    // an unpriced request this month: counted, never $0
    eventRow(l.orgId, "k", month.start, { model: "ft:custom", cost_usd: null, price_known: false }),
    // last month: $4 at its start (to date) and $8 in its last millisecond (only in the whole month)
    eventRow(l.orgId, "k", last.start, { cost_usd: 4 }),
    eventRow(l.orgId, "k", last.end - 1, { cost_usd: 8 }),
  ]);
});

afterAll(() => l?.stop());

test("month to date, last month to the same point and whole, per provider with the change in $", async () => {
  const r = await gql(`{ monthSpend { timeZone from to lastMonthFrom monthToDateUsd lastMonthToDateUsd lastMonthUsd requests unpricedRequests
    providers { provider costUsd previousCostUsd changeUsd requests unpricedRequests } } }`);
  expect(r.errors).toBeUndefined();
  const m = r.data.monthSpend;
  // the last millisecond of last month counts to date only when this month is as long as that one's end is from its start
  const lastToDate = 4 + (last.end - 1 - last.start < Date.now() - month.start ? 8 : 0);
  expect(m).toEqual({
    timeZone: "UTC",
    from: new Date(month.start).toISOString(),
    to: new Date(month.end).toISOString(),
    lastMonthFrom: new Date(last.start).toISOString(),
    monthToDateUsd: 3,
    lastMonthToDateUsd: lastToDate,
    lastMonthUsd: 12,
    requests: 3,
    unpricedRequests: 1,
    providers: [
      { provider: "GROQ", costUsd: 1, previousCostUsd: 0, changeUsd: 1, requests: 1, unpricedRequests: 0 },
      { provider: "OPENAI", costUsd: 2, previousCostUsd: lastToDate, changeUsd: 2 - lastToDate, requests: 2, unpricedRequests: 1 },
    ].sort((a, b) => b.costUsd - a.costUsd),
  });
});

test("the forecast extends the month's recent rate, or is null before a tenth of the month has passed", async () => {
  const r = await gql(`{ monthSpend { forecastUsd } }`);
  const elapsed = Date.now() - month.start;
  if (elapsed < (month.end - month.start) / 10) expect(r.data.monthSpend.forecastUsd).toBeNull();
  // all of this month's spend sits at its first instant, before the recent window (the last quarter of the elapsed month): nothing more is coming
  else expect(r.data.monthSpend.forecastUsd).toBeCloseTo(3, 9);
});

test("a time zone moves the month's bounds; a zone that does not exist is a clear BAD_USER_INPUT", async () => {
  const r = await gql(`{ monthSpend(timeZone: "Pacific/Kiritimati") { timeZone from to } }`);
  const kiri = periodBounds("month", "Pacific/Kiritimati", r.data ? Date.parse(r.data.monthSpend.from) + 1 : 0);
  expect(r.data.monthSpend).toEqual({ timeZone: "Pacific/Kiritimati", from: new Date(kiri.start).toISOString(), to: new Date(kiri.end).toISOString() });
  // UTC+14: its months start 14 hours before UTC's
  expect(Date.parse(r.data.monthSpend.from) % 86_400_000).toBe(10 * 3_600_000);
  const bad = await gql(`{ monthSpend(timeZone: "Mars/Olympus") { from } }`);
  expect(bad.errors?.[0]).toMatchObject({ message: '"Mars/Olympus" is not an IANA time zone (e.g. Europe/Paris).', extensions: { code: "BAD_USER_INPUT" } });
});

test("the org's time zone (setOrgTimeZone) is the month's when none is asked for; null goes back to UTC; a wrong one is refused", async () => {
  const set = await gql(`mutation { setOrgTimeZone(timeZone: "Pacific/Kiritimati") { timeZone } }`);
  expect(set.data.setOrgTimeZone).toEqual({ timeZone: "Pacific/Kiritimati" });
  const r = await gql(`{ org { timeZone } monthSpend { timeZone from } }`);
  expect(r.data.org.timeZone).toBe("Pacific/Kiritimati");
  expect(r.data.monthSpend.timeZone).toBe("Pacific/Kiritimati");
  expect(Date.parse(r.data.monthSpend.from) % 86_400_000).toBe(10 * 3_600_000);
  const bad = await gql(`mutation { setOrgTimeZone(timeZone: "Mars/Olympus") { timeZone } }`);
  expect(bad.errors?.[0]).toMatchObject({ message: '"Mars/Olympus" is not an IANA time zone (e.g. Europe/Paris).', extensions: { code: "BAD_USER_INPUT" } });
  expect((await gql(`mutation { setOrgTimeZone(timeZone: null) { timeZone } }`)).data.setOrgTimeZone).toEqual({ timeZone: "UTC" });
  expect((await gql(`{ monthSpend { timeZone } }`)).data.monthSpend.timeZone).toBe("UTC");
});
