/**
 * The management commands (`lectr orgs …`, `lectr keys …`, `lectr prices`).
 * Each takes parsed words and flags and returns the text to print, so tests
 * run them without a process.
 */
import type { Config } from "../config.ts";
import type { Database } from "../db/client.ts";
import { createKey, createOrg, findOrgByName, keyNameProblem, listKeys, OrgError, renameKeyByPrefix, revokeKeyByPrefix, setAzureSettings } from "../db/orgs.ts";
import { checkEndpoint, isApiVersion } from "../egress/azure-endpoint.ts";
import { loadPriceRegistry } from "../pricing/prices-file.ts";
import { formatPriceTable } from "../pricing/format.ts";
import { isKeyScope, keyScopes } from "../lib/scopes.ts";
import { reconcileCommands } from "./reconcile.ts";

export class UsageError extends Error {}

export type Command = (db: Database, words: string[], flags: Record<string, string>, config: Config) => Promise<string>;

const iso = (ms: number | null) => (ms === null ? "never" : new Date(ms).toISOString());

export async function orgByName(db: Database, name: string | undefined) {
  if (!name) throw new UsageError("Name the org with --org NAME.");
  const org = await findOrgByName(db.db, name);
  if (!org) throw new OrgError(`No org named "${name}".`);
  return org;
}

export const commands: Record<string, Command> = {
  "orgs create": async (db, [name]) => {
    if (!name) throw new UsageError("Usage: lectr orgs create NAME");
    const { org, key } = await createOrg(db.db, name);
    return `Created org "${org.name}" (id ${org.id}).\nOrg key (shown once, store it now): ${key}\n`;
  },
  "orgs set-azure": async (db, [name], flags, config) => {
    const org = await orgByName(db, name);
    const endpoint = flags.endpoint;
    const version = flags["api-version"];
    if (!endpoint || !version) throw new UsageError("Usage: lectr orgs set-azure NAME --endpoint URL --api-version V");
    if (!isApiVersion(version)) throw new UsageError(`"${version}" is not an Azure api-version (e.g. 2024-10-21 or 2024-12-01-preview).`);
    const checked = await checkEndpoint(endpoint, config.allowPrivateUpstreams);
    if (!checked.ok) throw new UsageError(`Endpoint refused: ${checked.error.reason}.`);
    await setAzureSettings(db.db, org.id, { endpoint: checked.value, apiVersion: version });
    return `Azure OpenAI for "${org.name}": ${checked.value} (api-version ${version}).\n`;
  },
  "keys create": async (db, _words, flags) => {
    const org = await orgByName(db, flags.org);
    // admin by default, as every key was before scopes: narrower keys are asked for by name
    const scope = flags.scope ?? "admin";
    if (!isKeyScope(scope)) throw new UsageError(`--scope is one of ${keyScopes.join(", ")}; got "${scope}".`);
    const name = flags.name == null ? null : flags.name.trim();
    const problem = name == null ? null : keyNameProblem(name);
    if (problem) throw new UsageError(problem);
    const { key } = await createKey(db.db, org.id, { scope, name });
    return `New ${scope} key${name ? ` "${name}"` : ""} for "${org.name}" (shown once, store it now): ${key}\n`;
  },
  "keys list": async (db, _words, flags) => {
    const org = await orgByName(db, flags.org);
    const rows = (await listKeys(db.db, org.id)).map((k) => [k.prefix, k.name ?? "-", k.scope, iso(k.created_at), iso(k.last_used_at), k.revoked_at ? `revoked ${iso(k.revoked_at)}` : "active"]);
    return table(["PREFIX", "NAME", "SCOPE", "CREATED", "LAST USED", "STATUS"], rows);
  },
  "keys rename": async (db, [prefix, ...name]) => {
    const given = name.join(" ").trim();
    if (!prefix || !given) throw new UsageError("Usage: lectr keys rename KEY_PREFIX NAME");
    const problem = keyNameProblem(given);
    if (problem) throw new UsageError(problem);
    const row = await renameKeyByPrefix(db.db, prefix, given);
    return `Key ${row.prefix}… is now "${given}".\n`;
  },
  "keys revoke": async (db, [prefix]) => {
    if (!prefix) throw new UsageError("Usage: lectr keys revoke KEY_PREFIX");
    const row = await revokeKeyByPrefix(db.db, prefix);
    return `Revoked key ${row.prefix}… (running servers stop accepting it within 5 s).\n`;
  },
  // the table the server prices with: built-in rows with LECTR_PRICES_FILE laid over them
  prices: async (_db, _words, flags, config) => formatPriceTable(loadPriceRegistry(config.pricesFile), { model: flags.model }),
  ...reconcileCommands,
};

export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(head), ...rows.map(line)].join("\n") + "\n";
}
