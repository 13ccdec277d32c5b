/**
 * Budgets, rate limits, webhooks and alerts: types, queries and mutations.
 * Changes apply at once in this process and within 250 ms on other
 * replicas. An org key manages its own org; the admin token passes orgId.
 */
import { randomBytes } from "node:crypto";
import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { orgScope } from "../scope.ts";
import { mayChange } from "../../lib/scopes.ts";
import { Provider } from "./common.ts";
import { listAlerts, type AlertRow } from "../../db/budget-alerts.ts";
import { deleteBudget, deleteLimit, insertBudget, insertLimit, listBudgets, listLimits, updateBudget, updateLimit, type BudgetRow, type LimitRow } from "../../db/budgets.ts";
import { deleteWebhook, insertWebhook, listDeliveries, listWebhooks, type DeliveryRow, type WebhookRow } from "../../db/webhooks.ts";
import { budgetFields, limitFields, maxBudgetsPerOrg, maxLimitsPerOrg, maxWebhooksPerOrg, type BudgetInput as BudgetInputValue } from "../../budgets/validate.ts";
import { checkEndpoint } from "../../egress/azure-endpoint.ts";
import type { ProviderId } from "../../providers/types.ts";
import { periodBounds } from "../../budgets/budget-period.ts";
import { createChangeLimiter, maxChangesPerMinute } from "../../budgets/change-limit.ts";
import { GraphQLError } from "graphql";
import type { GraphqlContext } from "../context.ts";

const BudgetPeriod = builder.enumType("BudgetPeriod", {
  description: "A calendar period in the budget's time zone; weeks start on Monday.",
  values: { DAY: { value: "day" }, WEEK: { value: "week" }, MONTH: { value: "month" } } as const,
});

const BudgetAction = builder.enumType("BudgetAction", {
  description: "What happens at 100 %: ALERT only, or BLOCK the requests the budget covers (402 budget_exceeded) until it resets.",
  values: { ALERT: { value: "alert" }, BLOCK: { value: "block" } } as const,
});

const BudgetState = builder.enumType("BudgetState", {
  values: {
    OK: { value: "ok", description: "Below every threshold under 100 %." },
    WARNING: { value: "warning", description: "A threshold under 100 % is crossed, or the forecast reaches the amount." },
    EXCEEDED: { value: "exceeded", description: "Spent (recorded plus reserved) reached the amount." },
  } as const,
});

const WebhookFormat = builder.enumType("WebhookFormat", {
  values: {
    SLACK: { value: "slack", description: "`{\"text\": …}`, for Slack-compatible incoming webhooks." },
    JSON: { value: "json", description: "The alert as a JSON object, for programs." },
  } as const,
});

const AlertKind = builder.enumType("BudgetAlertKind", {
  values: { THRESHOLD: { value: "threshold" }, FORECAST: { value: "forecast" } } as const,
});

interface BudgetView extends BudgetRow {
  periodStart: number;
  periodEnd: number;
  spentUsd: number;
  reservedUsd: number;
  forecastUsd: number;
  unknownCostCalls: number;
}

function stateOf(b: BudgetView): "ok" | "warning" | "exceeded" {
  const used = b.spentUsd + b.reservedUsd;
  if (used >= b.amountUsd) return "exceeded";
  const warned = b.thresholds.some((t) => t < 100 && b.spentUsd >= (b.amountUsd * t) / 100) || b.forecastUsd >= b.amountUsd;
  return warned ? "warning" : "ok";
}

const Budget = builder.objectRef<BudgetView>("Budget").implement({
  description: "A spend cap for a period. Set match fields narrow what it counts; unset ones match anything.",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    feature: t.string({ nullable: true, resolve: (b) => b.scope.feature }),
    task: t.string({ nullable: true, resolve: (b) => b.scope.task }),
    keyId: t.id({ nullable: true, resolve: (b) => b.scope.keyId }),
    provider: t.field({ type: Provider, nullable: true, resolve: (b) => b.scope.provider as ProviderId | null }),
    model: t.string({ nullable: true, description: "An exact model id, or a prefix ending in *.", resolve: (b) => b.scope.model }),
    period: t.field({ type: BudgetPeriod, resolve: (b) => b.period }),
    timeZone: t.exposeString("timeZone"),
    amountUsd: t.exposeFloat("amountUsd"),
    thresholds: t.exposeIntList("thresholds", { description: "Percents of the amount that send an alert, once per period each." }),
    action: t.field({ type: BudgetAction, resolve: (b) => b.action }),
    exempt: t.exposeStringList("exempt", {
      description: "Routes (\"/v1/batches\", \"/v1/images/*\") and models (exact, or a prefix ending in *) a BLOCK budget lets through although their cost cannot be estimated before they run.",
    }),
    periodStart: t.expose("periodStart", { type: "DateTime" }),
    resetsAt: t.expose("periodEnd", { type: "DateTime", description: "When the current period ends and the budget starts again from zero." }),
    spentUsd: t.exposeFloat("spentUsd", { description: "Recorded cost of the period's events." }),
    reservedUsd: t.exposeFloat("reservedUsd", { description: "Held for requests in flight and costs not yet written, on every replica." }),
    remainingUsd: t.float({ resolve: (b) => Math.max(0, b.amountUsd - b.spentUsd - b.reservedUsd) }),
    forecastUsd: t.exposeFloat("forecastUsd", { description: "Projected spend at the period's end, from the budget's own hourly spend." }),
    unknownCostCalls: t.exposeInt("unknownCostCalls", {
      description: "Calls of the period that succeeded without a known cost (an unpriced or exempt model, usage not reported): spentUsd leaves them out, so the real spend is higher by an unknown amount.",
    }),
    state: t.field({ type: BudgetState, resolve: stateOf }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const RateLimit = builder.objectRef<LimitRow>("RateLimit").implement({
  description: "Requests and tokens per minute (a fixed window on the minute) for the org, one key or one feature. Over it: 429 with retry-after and x-ratelimit-* headers.",
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    keyId: t.exposeID("keyId", { nullable: true }),
    feature: t.exposeString("feature", { nullable: true }),
    requestsPerMinute: t.exposeInt("requestsPerMinute", { nullable: true }),
    tokensPerMinute: t.exposeInt("tokensPerMinute", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

/** What a non-admin may see of a webhook URL: where it goes, not the path that authorises posting to it. */
function urlHostOnly(url: string): string {
  return URL.canParse(url) ? `${new URL(url).origin}/…` : "…";
}

const Webhook = builder.objectRef<WebhookRow>("Webhook").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    url: t.string({
      description: "The whole URL for the admin token and admin-scoped keys only; others get its scheme and host (`https://hooks.slack.com/…`): a Slack incoming-webhook URL is itself a credential.",
      resolve: (w, _args, ctx) => (ctx.principal.kind === "admin" || mayChange(ctx.principal.scope) ? w.url : urlHostOnly(w.url)),
    }),
    format: t.field({ type: WebhookFormat, resolve: (w) => w.format }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const CreatedWebhook = builder.objectRef<WebhookRow>("CreatedWebhook").implement({
  fields: (t) => ({
    webhook: t.field({ type: Webhook, resolve: (w) => w }),
    secret: t.exposeString("secret", {
      description: "Shown only now. Each POST carries X-Lectr-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of `t.body` under this secret>.",
    }),
  }),
});

const BudgetAlert = builder.objectRef<AlertRow>("BudgetAlert").implement({
  description: "A threshold (or the forecast) crossed: sent once per budget, period and threshold, across replicas.",
  fields: (t) => ({
    id: t.exposeID("id"),
    budgetId: t.exposeID("budgetId"),
    kind: t.field({ type: AlertKind, resolve: (a) => a.kind }),
    thresholdPct: t.exposeInt("threshold"),
    periodStart: t.expose("periodStart", { type: "DateTime" }),
    spentUsd: t.exposeFloat("spentUsd"),
    forecastUsd: t.exposeFloat("forecastUsd"),
    amountUsd: t.exposeFloat("amountUsd"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const WebhookDelivery = builder.objectRef<DeliveryRow>("WebhookDelivery").implement({
  description: "One attempt to POST an alert to a webhook.",
  fields: (t) => ({
    id: t.exposeID("id"),
    alertId: t.exposeID("alertId"),
    webhookId: t.exposeID("webhookId"),
    attempt: t.exposeInt("attempt"),
    status: t.exposeInt("status", { nullable: true, description: "The receiver's HTTP status; null when it could not be reached." }),
    error: t.exposeString("error", { nullable: true }),
    delivered: t.exposeBoolean("delivered"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const BudgetInput = builder.inputType("BudgetInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    feature: t.string(),
    task: t.string(),
    keyId: t.id(),
    provider: t.field({ type: Provider }),
    model: t.string({ description: "An exact model id, or a prefix ending in *." }),
    period: t.field({ type: BudgetPeriod, required: true }),
    timeZone: t.string({ description: "IANA time zone of the period; UTC when left out." }),
    amountUsd: t.float({ required: true }),
    thresholds: t.intList({ description: "Alert percents; 50, 80 and 100 when left out." }),
    action: t.field({ type: BudgetAction, required: true }),
    exempt: t.stringList({
      description:
        "Routes (starting with /, a trailing * matches a prefix) and models a BLOCK budget admits although their cost cannot be estimated at admission (otherwise 402 budget_unmeasurable). None when left out.",
    }),
  }),
});

const RateLimitInput = builder.inputType("RateLimitInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    keyId: t.id({ description: "Limit one key; leave out keyId and feature to limit the whole org." }),
    feature: t.string({ description: "Limit one X-Lectr-Feature." }),
    requestsPerMinute: t.int(),
    tokensPerMinute: t.int(),
  }),
});

const WebhookInput = builder.inputType("WebhookInput", {
  fields: (t) => ({
    url: t.string({ required: true, description: "https, and not a private or loopback address (as Azure endpoints)." }),
    format: t.field({ type: WebhookFormat, required: true }),
  }),
});

async function budgetViews(ctx: GraphqlContext, orgId: string): Promise<BudgetView[]> {
  const rows = await listBudgets(ctx.deps.db.$client, orgId);
  const live = new Map(ctx.deps.budgets.status(orgId, ctx.now).map((s) => [s.budget.id, s]));
  return rows.map((r) => {
    const s = live.get(r.id);
    // made on another replica within the last round: its period is known, its figures come with the next round
    const bounds = s ?? periodBounds(r.period, r.timeZone, ctx.now);
    return { ...r, periodStart: bounds.start, periodEnd: bounds.end, spentUsd: s?.spentUsd ?? 0, reservedUsd: s?.reservedUsd ?? 0, forecastUsd: s?.forecastUsd ?? 0, unknownCostCalls: s?.unknownCostCalls ?? 0 };
  });
}

function fieldsOrThrow(input: BudgetInputValue) {
  const f = budgetFields(input);
  if (!f.ok) throw badInput(f.error);
  return f.value;
}

/** A duplicate name is the UNIQUE index saying no. */
async function named<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (String(e).includes("UNIQUE")) throw badInput(`The org already has a ${what} with that name.`);
    throw e;
  }
}

builder.queryFields((t) => ({
  budgets: t.field({
    type: [Budget],
    description: "The org's budgets with their current period's figures.",
    args: { orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => budgetViews(ctx, await orgScope(ctx, args.orgId)),
  }),
  rateLimits: t.field({
    type: [RateLimit],
    args: { orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => listLimits(ctx.deps.db.$client, await orgScope(ctx, args.orgId)),
  }),
  webhooks: t.field({
    type: [Webhook],
    args: { orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => listWebhooks(ctx.deps.db.$client, await orgScope(ctx, args.orgId)),
  }),
  budgetAlerts: t.field({
    type: [BudgetAlert],
    description: "Alerts sent, newest first.",
    args: { orgId: t.arg.id(), limit: t.arg.int({ defaultValue: 100 }) },
    resolve: async (_root, args, ctx) => listAlerts(ctx.deps.db.$client, await orgScope(ctx, args.orgId), clampLimit(args.limit)),
  }),
  webhookDeliveries: t.field({
    type: [WebhookDelivery],
    description: "Every delivery attempt, newest first.",
    args: { orgId: t.arg.id(), limit: t.arg.int({ defaultValue: 100 }) },
    resolve: async (_root, args, ctx) => listDeliveries(ctx.deps.db.$client, await orgScope(ctx, args.orgId), clampLimit(args.limit)),
  }),
}));

/** Each change of a budget or limit costs every replica a sum of its period: bounded per org and minute. */
const changes = createChangeLimiter();

async function changingOrg(ctx: GraphqlContext, orgId: string | null | undefined): Promise<string> {
  const id = await orgScope(ctx, orgId);
  const taken = changes.take(id, ctx.now);
  if (!taken.ok) {
    throw new GraphQLError(`At most ${maxChangesPerMinute} budget and rate-limit changes a minute per org; try again in ${taken.retryAfterS} s.`, {
      extensions: { code: "RATE_LIMITED" },
    });
  }
  return id;
}

const clampLimit = (n: number | null | undefined) => Math.max(1, Math.min(1000, n ?? 100));

builder.mutationFields((t) => ({
  createBudget: t.field({
    type: Budget,
    args: { input: t.arg({ type: BudgetInput, required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await changingOrg(ctx, args.orgId);
      const row = await named("budget", () => insertBudget(ctx.deps.db.$client, orgId, fieldsOrThrow(args.input), maxBudgetsPerOrg));
      if (!row) throw badInput(`An org can have at most ${maxBudgetsPerOrg} budgets.`);
      await ctx.deps.budgets.refresh();
      return (await budgetViews(ctx, orgId)).find((b) => b.id === row.id)!;
    },
  }),
  updateBudget: t.field({
    type: Budget,
    description: "Replaces the budget's settings; what its current period spent stays.",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: BudgetInput, required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await changingOrg(ctx, args.orgId);
      const row = await named("budget", () => updateBudget(ctx.deps.db.$client, orgId, args.id, fieldsOrThrow(args.input)));
      if (!row) throw badInput(`No budget with id ${args.id}.`);
      await ctx.deps.budgets.refresh();
      return (await budgetViews(ctx, orgId)).find((b) => b.id === row.id)!;
    },
  }),
  deleteBudget: t.boolean({
    args: { id: t.arg.id({ required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const gone = await deleteBudget(ctx.deps.db.$client, await changingOrg(ctx, args.orgId), args.id);
      if (gone) await ctx.deps.budgets.refresh();
      return gone;
    },
  }),
  createRateLimit: t.field({
    type: RateLimit,
    args: { input: t.arg({ type: RateLimitInput, required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await changingOrg(ctx, args.orgId);
      const f = limitFields(args.input);
      if (!f.ok) throw badInput(f.error);
      const row = await named("rate limit", () => insertLimit(ctx.deps.db.$client, orgId, f.value, maxLimitsPerOrg));
      if (!row) throw badInput(`An org can have at most ${maxLimitsPerOrg} rate limits.`);
      await ctx.deps.budgets.refresh();
      return row;
    },
  }),
  updateRateLimit: t.field({
    type: RateLimit,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: RateLimitInput, required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await changingOrg(ctx, args.orgId);
      const f = limitFields(args.input);
      if (!f.ok) throw badInput(f.error);
      const row = await named("rate limit", () => updateLimit(ctx.deps.db.$client, orgId, args.id, f.value));
      if (!row) throw badInput(`No rate limit with id ${args.id}.`);
      await ctx.deps.budgets.refresh();
      return row;
    },
  }),
  deleteRateLimit: t.boolean({
    args: { id: t.arg.id({ required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const gone = await deleteLimit(ctx.deps.db.$client, await changingOrg(ctx, args.orgId), args.id);
      if (gone) await ctx.deps.budgets.refresh();
      return gone;
    },
  }),
  createWebhook: t.field({
    type: CreatedWebhook,
    description: "Alerts of the org's budgets are POSTed here, signed with the secret returned once.",
    args: { input: t.arg({ type: WebhookInput, required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      if (args.input.url.length > 2048) throw badInput("url must be at most 2048 characters.");
      const checked = await checkEndpoint(args.input.url, ctx.deps.allowPrivateUpstreams);
      if (!checked.ok) throw badInput(`The webhook URL is refused: ${checked.error.reason.replace("the endpoint", "the URL")}`);
      const secret = `whsec_${randomBytes(24).toString("base64url")}`;
      const row = await insertWebhook(ctx.deps.db.$client, { orgId, url: args.input.url, format: args.input.format, secret }, maxWebhooksPerOrg);
      if (!row) throw badInput(`An org can have at most ${maxWebhooksPerOrg} webhooks.`);
      return row;
    },
  }),
  deleteWebhook: t.boolean({
    args: { id: t.arg.id({ required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => deleteWebhook(ctx.deps.db.$client, await orgScope(ctx, args.orgId), args.id),
  }),
}));
