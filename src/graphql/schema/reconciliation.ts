/**
 * Reconciliation: Lectr's recorded spend against what the providers' admin
 * usage and cost APIs report, per UTC day × provider × model, with the
 * provider's own breakdown per API key / project / workspace; the runs; and
 * the org's admin keys (write-only: no field ever returns one), sources and
 * alert thresholds.
 */
import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { orgScope } from "../scope.ts";
import { periodArg } from "../period-arg.ts";
import { Provider, PeriodInput } from "./common.ts";
import type { GraphqlContext } from "../context.ts";
import { utcDay } from "../../reconcile/admin-api.ts";
import { dayMs } from "../../reconcile/compare.ts";
import { maxRunDays } from "../../reconcile/run.ts";
import { offMessage } from "../../reconcile/control.ts";
import { getSettings, listRows, listRuns, listSealedKeys, listSources, saveSettings, setSources, type RunRow, type SourceKind, type StoredRow } from "../../db/reconcile.ts";
import { isReconcileProvider, type Counts, type ReconcileProvider } from "../../reconcile/types.ts";

const Status = builder.enumType("ReconciliationStatus", {
  values: {
    MATCHED: { value: "matched", description: "Dollars within 1 % or 1 cent, and every token class and request count within 1 %." },
    PROVISIONAL: { value: "provisional", description: "The day ended less than 48 h ago: the provider's figures may still change." },
    MISMATCHED: { value: "mismatched", description: "Outside the tolerance: see unseenUsd and driftUsd." },
  } as const,
});

const TokenCounts = builder.objectRef<Counts>("ReconciliationCounts").implement({
  description: "Requests and tokens by class; null where that side does not report the class.",
  fields: (t) => ({
    requests: t.float({ nullable: true, resolve: (c) => c.requests }),
    uncachedInputTokens: t.float({ nullable: true, resolve: (c) => c.uncachedInput }),
    cacheReadTokens: t.float({ nullable: true, resolve: (c) => c.cacheRead }),
    cacheWrite5mTokens: t.float({ nullable: true, resolve: (c) => c.cacheWrite5m }),
    cacheWrite1hTokens: t.float({ nullable: true, resolve: (c) => c.cacheWrite1h }),
    outputTokens: t.float({ nullable: true, resolve: (c) => c.output }),
  }),
});

const SourceRow = builder.objectRef<StoredRow>("ReconciliationSource").implement({
  description: "The provider's figures for one of its API keys, projects or workspaces (Lectr does not see which provider key a call used).",
  fields: (t) => ({
    kind: t.string({ description: "api_key, project or workspace.", resolve: (r) => r.source.split(":")[0]! }),
    id: t.string({ resolve: (r) => r.source.slice(r.source.indexOf(":") + 1) }),
    reported: t.field({ type: TokenCounts, resolve: (r) => r.provider }),
    billedUsd: t.float({ nullable: true, description: "Null for an API key: cost reports break down by project / workspace only.", resolve: (r) => r.billedUsd }),
    expectedUsd: t.float({ nullable: true, resolve: (r) => r.expectedUsd }),
  }),
});

interface RowView extends StoredRow {
  breakdown: StoredRow[];
}

const Row = builder.objectRef<RowView>("ReconciliationRow").implement({
  description: "One UTC day × provider × model.",
  fields: (t) => ({
    day: t.field({ type: "DateTime", resolve: (r) => r.day }),
    provider: t.field({ type: Provider, resolve: (r) => r.provider_ }),
    model: t.exposeString("model", { description: "As the provider names it; `(other charges)` for cost lines that name no model." }),
    status: t.field({ type: Status, resolve: (r) => r.status }),
    recorded: t.field({ type: TokenCounts, description: "What Lectr recorded.", resolve: (r) => r.lectr! }),
    reported: t.field({ type: TokenCounts, description: "What the provider's usage report says.", resolve: (r) => r.provider }),
    recordedUsd: t.float({ nullable: true, description: "Lectr's cost; null when some call had usage but no price.", resolve: (r) => r.lectrCostUsd }),
    billedUsd: t.float({ nullable: true, description: "The provider's cost report; null when it cannot be attributed to the org's sources.", resolve: (r) => r.billedUsd }),
    expectedUsd: t.float({ nullable: true, description: "Lectr's price book applied to the provider's own token counts.", resolve: (r) => r.expectedUsd }),
    unseenUsd: t.float({ nullable: true, description: "expectedUsd − recordedUsd: spend Lectr never saw (negative: Lectr recorded more than the provider reports).", resolve: (r) => r.unseenUsd }),
    driftUsd: t.float({ nullable: true, description: "billedUsd − expectedUsd: the provider's price for this model differs from Lectr's.", resolve: (r) => r.driftUsd }),
    breakdown: t.field({ type: [SourceRow], description: "The provider's figures per API key / project / workspace.", resolve: (r) => r.breakdown }),
  }),
});

interface ReconciliationView {
  enabled: boolean;
  message: string | null;
  from: number;
  to: number;
  rows: RowView[];
}

const sum = (rows: RowView[], f: (r: RowView) => number | null) => Math.round(rows.reduce((a, r) => a + (f(r) ?? 0), 0) * 1e6) / 1e6;

const Reconciliation = builder.objectRef<ReconciliationView>("Reconciliation").implement({
  fields: (t) => ({
    enabled: t.exposeBoolean("enabled"),
    message: t.exposeString("message", { nullable: true, description: "Why reconciliation is off, when it is." }),
    from: t.field({ type: "DateTime", description: "The first UTC day of the period.", resolve: (v) => v.from }),
    to: t.field({ type: "DateTime", resolve: (v) => v.to }),
    recordedUsd: t.float({ resolve: (v) => sum(v.rows, (r) => r.lectrCostUsd) }),
    billedUsd: t.float({ resolve: (v) => sum(v.rows, (r) => r.billedUsd) }),
    unseenUsd: t.float({ resolve: (v) => sum(v.rows, (r) => r.unseenUsd) }),
    driftUsd: t.float({ resolve: (v) => sum(v.rows, (r) => r.driftUsd) }),
    rows: t.field({ type: [Row], resolve: (v) => v.rows }),
  }),
});

const Run = builder.objectRef<RunRow>("ReconciliationRun").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    provider: t.field({ type: Provider, resolve: (r) => r.provider }),
    from: t.field({ type: "DateTime", resolve: (r) => r.fromDay }),
    to: t.field({ type: "DateTime", resolve: (r) => r.toDay }),
    startedAt: t.field({ type: "DateTime", resolve: (r) => r.startedAt }),
    finishedAt: t.field({ type: "DateTime", resolve: (r) => r.finishedAt }),
    status: t.exposeString("status", {
      description: "ok, or what failed: unauthorized, rate_limited, provider_error, malformed, currency, timeout, unreachable, too_many_pages, no_admin_key, unreadable_key.",
    }),
    error: t.exposeString("error", { nullable: true }),
    apiCalls: t.exposeInt("apiCalls"),
    rows: t.exposeInt("rows"),
  }),
});

interface ProviderSetup {
  provider: ReconcileProvider;
  hasAdminKey: boolean;
  keySetAt: number | null;
  sources: string[];
}

const Setup = builder.objectRef<ProviderSetup>("ReconciliationProvider").implement({
  fields: (t) => ({
    provider: t.field({ type: Provider, resolve: (p) => p.provider }),
    hasAdminKey: t.exposeBoolean("hasAdminKey", { description: "Whether an admin key is stored (sealed); the key itself is never returned." }),
    keySetAt: t.field({ type: "DateTime", nullable: true, resolve: (p) => p.keySetAt }),
    sources: t.exposeStringList("sources", { description: "The org's provider API key ids, projects or workspaces, as kind:id; empty: the whole provider organization." }),
  }),
});

interface SettingsView {
  enabled: boolean;
  message: string | null;
  providers: ProviderSetup[];
  unseenAlertUsd: number | null;
  driftAlertUsd: number | null;
}

const Settings = builder.objectRef<SettingsView>("ReconciliationSettings").implement({
  fields: (t) => ({
    enabled: t.exposeBoolean("enabled"),
    message: t.exposeString("message", { nullable: true }),
    providers: t.field({ type: [Setup], resolve: (s) => s.providers }),
    unseenAlertUsd: t.exposeFloat("unseenAlertUsd", { nullable: true }),
    driftAlertUsd: t.exposeFloat("driftAlertUsd", { nullable: true }),
  }),
});

const control = (ctx: GraphqlContext) => ctx.deps.reconcile;
const offReason = (ctx: GraphqlContext) => control(ctx)?.offReason ?? (control(ctx) ? null : offMessage);

function providerArg(p: string | null | undefined): ReconcileProvider {
  if (!p || !isReconcileProvider(p)) throw badInput("Reconciliation reads the admin APIs of OPENAI and ANTHROPIC only.");
  return p;
}

async function settingsView(ctx: GraphqlContext, orgId: string): Promise<SettingsView> {
  const db = ctx.deps.db.$client;
  const keys = (await listSealedKeys(db)).filter((k) => k.orgId === orgId);
  const providers: ProviderSetup[] = [];
  for (const provider of ["openai", "anthropic"] as const) {
    const key = keys.find((k) => k.provider === provider);
    const sources = (await listSources(db, orgId, provider)).map((s) => `${s.kind}:${s.id}`);
    providers.push({ provider, hasAdminKey: key !== undefined, keySetAt: key?.updatedAt ?? null, sources });
  }
  const s = await getSettings(db, orgId);
  const reason = offReason(ctx);
  return { enabled: reason === null, message: reason, providers, ...s };
}

const sourceKinds: Record<ReconcileProvider, readonly SourceKind[]> = { openai: ["api_key", "project"], anthropic: ["api_key", "workspace"] };

builder.queryFields((t) => ({
  reconciliation: t.field({
    type: Reconciliation,
    description: "Recorded against billed, per UTC day × provider × model, for the UTC days the period touches (default: the last 30 days).",
    args: { period: t.arg({ type: PeriodInput }), provider: t.arg({ type: Provider }), orgId: t.arg.id() },
    complexity: 20,
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const period = periodArg(args.period, ctx.now, "LAST_30_DAYS");
      const from = utcDay(period.from);
      const to = utcDay(period.to - 1) + dayMs;
      const provider = args.provider ? providerArg(args.provider) : null;
      const db = ctx.deps.db.$client;
      const [rows, breakdown] = await Promise.all([listRows(db, orgId, from, to, provider, "comparison"), listRows(db, orgId, from, to, provider, "breakdown")]);
      const bySlot = new Map<string, StoredRow[]>();
      for (const b of breakdown) {
        const k = `${b.provider_}|${b.day}|${b.model}`;
        bySlot.set(k, [...(bySlot.get(k) ?? []), b]);
      }
      const reason = offReason(ctx);
      return { enabled: reason === null, message: reason, from, to, rows: rows.map((r) => ({ ...r, breakdown: bySlot.get(`${r.provider_}|${r.day}|${r.model}`) ?? [] })) };
    },
  }),
  reconciliationRuns: t.field({
    type: [Run],
    description: "Reconciliation runs, newest first.",
    args: { orgId: t.arg.id(), limit: t.arg.int({ defaultValue: 50 }) },
    resolve: async (_root, args, ctx) => listRuns(ctx.deps.db.$client, await orgScope(ctx, args.orgId), Math.max(1, Math.min(500, args.limit ?? 50))),
  }),
  reconciliationSettings: t.field({
    type: Settings,
    args: { orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => settingsView(ctx, await orgScope(ctx, args.orgId)),
  }),
}));

builder.mutationFields((t) => ({
  setReconciliationAdminKey: t.field({
    type: Settings,
    description: "Stores the provider admin key sealed with LECTR_SECRETS_KEY (AES-256-GCM). It is never returned; set it again to replace it.",
    args: { provider: t.arg({ type: Provider, required: true }), adminKey: t.arg.string({ required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const provider = providerArg(args.provider);
      const c = control(ctx);
      if (!c?.enabled) throw badInput(offReason(ctx) ?? offMessage);
      const key = args.adminKey.trim();
      if (key.length < 20 || key.length > 512 || /\s/.test(key)) throw badInput("adminKey does not look like a provider admin key (20–512 characters, no spaces).");
      await c.setKey(orgId, provider, key);
      return settingsView(ctx, orgId);
    },
  }),
  setReconciliationSources: t.field({
    type: Settings,
    description: "Which provider API key ids, projects (OpenAI) or workspaces (Anthropic) belong to the org, as kind:id; an empty list means the whole provider organization.",
    args: { provider: t.arg({ type: Provider, required: true }), sources: t.arg.stringList({ required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const provider = providerArg(args.provider);
      if (args.sources.length > 200) throw badInput("At most 200 sources per provider.");
      const parsed = args.sources.map((s) => {
        const i = s.indexOf(":");
        const kind = s.slice(0, i) as SourceKind;
        const id = s.slice(i + 1);
        if (i < 1 || !sourceKinds[provider].includes(kind) || !/^[A-Za-z0-9_-]{1,200}$/.test(id)) {
          throw badInput(`"${s.slice(0, 100)}" is not a source: use ${sourceKinds[provider].map((k) => `${k}:ID`).join(" or ")}.`);
        }
        return { kind, id };
      });
      await setSources(ctx.deps.db.$client, orgId, provider, parsed, ctx.now);
      return settingsView(ctx, orgId);
    },
  }),
  setReconciliationAlerts: t.field({
    type: Settings,
    description: "Thresholds in US dollars per settled day and provider; past one, an alert goes to the org's webhooks. Null turns that alert off.",
    args: { unseenAlertUsd: t.arg.float(), driftAlertUsd: t.arg.float(), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      for (const v of [args.unseenAlertUsd, args.driftAlertUsd]) if (v != null && (!Number.isFinite(v) || v < 0 || v > 1e9)) throw badInput("Thresholds are US dollars between 0 and 1e9.");
      await saveSettings(ctx.deps.db.$client, orgId, { unseenAlertUsd: args.unseenAlertUsd ?? null, driftAlertUsd: args.driftAlertUsd ?? null }, ctx.now);
      return settingsView(ctx, orgId);
    },
  }),
  runReconciliation: t.field({
    type: Run,
    description: `Reconciles one provider now for the UTC days [from, to) (at most ${maxRunDays}); the run's status says what the provider answered.`,
    args: { provider: t.arg({ type: Provider, required: true }), from: t.arg({ type: "DateTime", required: true }), to: t.arg({ type: "DateTime", required: true }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      const provider = providerArg(args.provider);
      const c = control(ctx);
      if (!c?.enabled) throw badInput(offReason(ctx) ?? offMessage);
      const from = utcDay(args.from);
      const to = utcDay(args.to - 1) + dayMs;
      if (to <= from || to - from > maxRunDays * dayMs) throw badInput(`from must be before to, and a run covers at most ${maxRunDays} days.`);
      return (await c.run(orgId, provider, from, to)).run;
    },
  }),
}));
