/** This month's spend: to date, against last month, and the end-of-month forecast. */
import { builder } from "../builder.ts";
import { monthParts, monthSpend, type MonthSpend as MonthSpendShape } from "../../stats/month.ts";
import { ProviderCost } from "./spend.ts";
import { orgScope } from "../scope.ts";
import { badInput } from "../errors.ts";
import { readUsage } from "../../db/usage.ts";
import { hourMs } from "../../stats/period.ts";
import { isTimeZone, periodBounds } from "../../budgets/budget-period.ts";
import { forecastIsMeaningful, forecastSpend } from "../../budgets/forecast.ts";

export const MonthSpend = builder.objectRef<MonthSpendShape>("MonthSpend").implement({
  description: "The calendar month holding now, in a time zone: spend to date, last month, and where the month will end.",
  fields: (t) => ({
    timeZone: t.exposeString("timeZone", { description: "The IANA time zone the month's days are counted in." }),
    from: t.expose("from", { type: "DateTime", description: "The month's first instant." }),
    to: t.expose("to", { type: "DateTime", description: "The next month's first instant." }),
    lastMonthFrom: t.expose("lastMonthFrom", { type: "DateTime" }),
    asOf: t.expose("asOf", { type: "DateTime", description: "The instant the month-to-date figures run to." }),
    monthToDateUsd: t.exposeFloat("monthToDateUsd"),
    lastMonthToDateUsd: t.exposeFloat("lastMonthToDateUsd", { description: "Last month from its first day to the same time into it as asOf is into this one." }),
    lastMonthUsd: t.exposeFloat("lastMonthUsd", { description: "All of last month." }),
    forecastUsd: t.exposeFloat("forecastUsd", {
      nullable: true,
      description:
        "The month's spend at its end: spent so far plus the recent rate (the last quarter of the elapsed month, 1 h to 7 days) times the time left, as budgets forecast. Null until an hour and a tenth of the month have passed.",
    }),
    requests: t.exposeInt("requests"),
    unpricedRequests: t.exposeInt("unpricedRequests", { description: "Requests this month whose model has no known price: the amounts leave them out." }),
    providers: t.expose("providers", { type: [ProviderCost], description: "Each provider's month to date against last month to the same point, highest spend first." }),
  }),
});

builder.queryField("monthSpend", (t) =>
  t.field({
    type: MonthSpend,
    description: "This calendar month's spend to date, last month's, and the end-of-month forecast, per provider too.",
    args: { timeZone: t.arg.string({ description: "IANA time zone the month is counted in; when left out, the org's (Org.timeZone, UTC until set)." }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const timeZone = args.timeZone ?? (await ctx.loaders.org.load(orgId))?.time_zone ?? "UTC";
      if (!isTimeZone(timeZone)) throw badInput(`"${timeZone.slice(0, 64)}" is not an IANA time zone (e.g. Europe/Paris).`);
      const bounds = periodBounds("month", timeZone, ctx.now);
      const month = { from: bounds.start, to: bounds.end };
      const last = periodBounds("month", timeZone, bounds.start - 1);
      const parts = monthParts(month, { from: last.start, to: last.end }, ctx.now);
      const toDate = parts[0];
      // the forecast's trailing window is at most 7 days of hourly spend
      const recent = { from: Math.max(toDate.from, toDate.to - 7 * 24 * hourMs), to: toDate.to };
      const [{ rows }, hourly] = await Promise.all([
        readUsage(ctx.deps.db, { orgId, periods: parts, groupBy: ["part", "provider"] }),
        readUsage(ctx.deps.db, { orgId, periods: [recent], groupBy: ["slot"], slotMs: hourMs }),
      ]);
      const spent = rows.filter((r) => r.part === 0).reduce((sum, r) => sum + r.costUsd, 0);
      const forecast = forecastIsMeaningful(month.from, month.to, toDate.to)
        ? forecastSpend({ spentUsd: spent, hourly: new Map(hourly.rows.map((r) => [r.slot, r.costUsd])), start: month.from, end: month.to, now: toDate.to })
        : null;
      return monthSpend(timeZone, month, parts, rows, forecast);
    },
  }),
);
