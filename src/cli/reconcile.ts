/**
 * `lectr reconcile …`: run a reconciliation on demand and configure one.
 * The admin key never comes through argv (other users can read a process's
 * arguments): `set-key` reads LECTR_<PROVIDER>_ADMIN_KEY or its _FILE.
 */
import type { Command } from "./commands.ts";
import { orgByName, table, UsageError } from "./commands.ts";
import { silentLogger } from "../lib/log.ts";
import { parseDateTime } from "../lib/date-time.ts";
import { loadPriceRegistry } from "../pricing/prices-file.ts";
import { createPriceBook } from "../pricing/price-book.ts";
import { listAllModelPrices } from "../db/model-prices.ts";
import { utcDay } from "../reconcile/admin-api.ts";
import { dayMs } from "../reconcile/compare.ts";
import { startReconciler } from "../reconcile/control.ts";
import { maxRunDays } from "../reconcile/run.ts";
import { listSealedKeys, listSources, saveSettings, setSources, type SourceKind } from "../db/reconcile.ts";
import { isReconcileProvider, reconcileProviders, type ReconcileProvider } from "../reconcile/types.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";

function providerFlag(value: string | undefined): ReconcileProvider {
  if (!value || !isReconcileProvider(value)) throw new UsageError(`--provider is one of ${reconcileProviders.join(", ")}.`);
  return value;
}

function dayFlag(name: string, value: string | undefined): number {
  const parsed = parseDateTime(value);
  if (!value || !parsed.ok) throw new UsageError(`--${name} takes a date (2026-05-01) or an ISO 8601 time.`);
  return utcDay(parsed.value);
}

async function reconciler(db: Database, config: Config, orgId: string) {
  const registry = loadPriceRegistry(config.pricesFile);
  const prices = (await listAllModelPrices(db.db)).filter((p) => p.orgId === orgId);
  const r = await startReconciler({
    db: db.client,
    secretsKey: config.secretsKey,
    baseUrls: { openai: config.baseUrls.openai!, anthropic: config.baseUrls.anthropic! },
    priceBook: () => createPriceBook(registry, prices),
    log: silentLogger,
    schedule: false,
  });
  if (!r.enabled) throw new UsageError(r.offReason!);
  return r;
}

const usd = (n: number | null) => (n === null ? "unknown" : `$${n.toFixed(4)}`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const reconcileCommands: Record<string, Command> = {
  reconcile: async (db, _words, flags, config) => {
    const org = await orgByName(db, flags.org);
    const from = dayFlag("from", flags.from);
    // --to names the last day included
    const to = dayFlag("to", flags.to) + dayMs;
    if (to <= from || to - from > maxRunDays * dayMs) throw new UsageError(`--from must not be after --to, and one run covers at most ${maxRunDays} days.`);
    const keyed = (await listSealedKeys(db.client)).filter((k) => k.orgId === org.id).map((k) => k.provider);
    const providers = flags.provider ? [providerFlag(flags.provider)] : keyed;
    if (providers.length === 0) throw new UsageError(`"${org.name}" has no provider admin key; set one with lectr reconcile set-key.`);
    const r = await reconciler(db, config, org.id);
    const lines: string[] = [];
    let failed = false;
    for (const p of providers) {
      const { run, rows } = await r.run(org.id, p, from, to);
      failed ||= run.status !== "ok";
      lines.push(`${p}: ${run.status}${run.error ? ` (${run.error})` : ""}, ${run.apiCalls} API calls\n`);
      const body = (rows ?? [])
        .filter((x) => x.source === "")
        .map((x) => [isoDay(x.day), x.model, x.status, usd(x.lectrCostUsd), usd(x.billedUsd), usd(x.unseenUsd), usd(x.driftUsd)]);
      if (body.length > 0) lines.push(table(["DAY", "MODEL", "STATUS", "RECORDED", "BILLED", "UNSEEN", "DRIFT"], body));
    }
    const out = lines.join("");
    if (failed) throw new ReconcileFailed(out);
    return out;
  },
  "reconcile set-key": async (db, _words, flags, config) => {
    const org = await orgByName(db, flags.org);
    const provider = providerFlag(flags.provider);
    const key = config.adminKeys[provider];
    const variable = `LECTR_${provider.toUpperCase()}_ADMIN_KEY`;
    if (!key) throw new UsageError(`Put the admin key in ${variable} (or a file named by ${variable}_FILE); it is not taken on the command line.`);
    await (await reconciler(db, config, org.id)).setKey(org.id, provider, key);
    return `Stored the ${provider} admin key for "${org.name}", encrypted with LECTR_SECRETS_KEY.\n`;
  },
  "reconcile sources": async (db, words, flags) => {
    const org = await orgByName(db, flags.org);
    const provider = providerFlag(flags.provider);
    const kinds: SourceKind[] = provider === "openai" ? ["api_key", "project"] : ["api_key", "workspace"];
    const sources = words.map((w) => {
      const [kind, id] = [w.slice(0, w.indexOf(":")), w.slice(w.indexOf(":") + 1)];
      if (!kinds.includes(kind as SourceKind) || !/^[A-Za-z0-9_-]{1,200}$/.test(id)) throw new UsageError(`"${w}" is not a source: use ${kinds.map((k) => `${k}:ID`).join(" or ")}.`);
      return { kind: kind as SourceKind, id };
    });
    await setSources(db.client, org.id, provider, sources, Date.now());
    const now = (await listSources(db.client, org.id, provider)).map((s) => `${s.kind}:${s.id}`);
    return now.length ? `"${org.name}" owns these ${provider} sources: ${now.join(", ")}.\n` : `"${org.name}" reconciles the whole ${provider} organization.\n`;
  },
  "reconcile alerts": async (db, _words, flags) => {
    const org = await orgByName(db, flags.org);
    const amount = (name: string) => {
      const raw = flags[name];
      if (raw === undefined || raw === "off") return null;
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} takes US dollars (e.g. 5) or off.`);
      return n;
    };
    const s = { unseenAlertUsd: amount("unseen-usd"), driftAlertUsd: amount("drift-usd") };
    await saveSettings(db.client, org.id, s, Date.now());
    return `Alerts for "${org.name}": unseen spend over ${s.unseenAlertUsd ?? "off"}, drift over ${s.driftAlertUsd ?? "off"} (US dollars per settled day and provider).\n`;
  },
};

/** A run that did not succeed: the command prints what it got and exits 1. */
export class ReconcileFailed extends Error {}
