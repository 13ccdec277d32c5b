/** Orgs, their keys and settings: the only SQL over `orgs` and `api_keys`. */
import type { InStatement } from "@libsql/client";
import { and, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { apiKeys, orgs, type ApiKeyRow, type OrgRow } from "./tables.ts";
import { generateOrgKey, hashKey, keyPrefix, sameHash } from "../lib/keys.ts";
import { uuidv7 } from "../lib/uuid.ts";
import type { KeyScope } from "../lib/scopes.ts";
import type { AzureDeployment } from "../pricing/price-book.ts";

export interface CreatedKey {
  org: OrgRow;
  key: string;
  keyRow: ApiKeyRow;
}

export interface KeyPrincipal {
  keyId: string;
  orgId: string;
  /** What the key may do in its org. */
  scope: KeyScope;
  revoked: boolean;
  azure: AzureSettings | undefined;
}

export interface AzureSettings {
  endpoint: string;
  apiVersion: string;
}

export class OrgError extends Error {}

export async function createOrg(db: Db, name: string, now = Date.now()): Promise<CreatedKey> {
  const trimmed = name.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(trimmed)) {
    throw new OrgError("An org name is 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
  }
  if (await findOrgByName(db, trimmed)) throw new OrgError(`An org named "${trimmed}" already exists.`);
  const org: OrgRow = { id: uuidv7(now), name: trimmed, created_at: now, azure_endpoint: null, azure_api_version: null, azure_deployments: null, time_zone: null };
  await db.insert(orgs).values(org);
  const { key, keyRow } = await createKey(db, org.id, { now });
  return { org, key, keyRow };
}

/**
 * Creates the `default` org only when there is no org at all. The insert is
 * conditional in SQL so two processes starting on one empty file create it once.
 */
export async function bootstrapDefaultOrg(db: Db, now = Date.now()): Promise<CreatedKey | undefined> {
  const id = uuidv7(now);
  const inserted = await db.run(
    sql`INSERT INTO orgs (id, name, created_at) SELECT ${id}, 'default', ${now} WHERE NOT EXISTS (SELECT 1 FROM orgs)`,
  );
  if (inserted.rowsAffected === 0) return undefined;
  const org = (await db.select().from(orgs).where(eq(orgs.id, id)))[0]!;
  const { key, keyRow } = await createKey(db, id, { now });
  return { org, key, keyRow };
}

/** A new key; `admin` unless a narrower scope is asked for (an org's first key must be able to manage it). */
export async function createKey(db: Db, orgId: string, opts: { now?: number; scope?: KeyScope; name?: string | null } = {}): Promise<{ key: string; keyRow: ApiKeyRow }> {
  const now = opts.now ?? Date.now();
  const key = generateOrgKey();
  const keyRow: ApiKeyRow = {
    id: uuidv7(now),
    org_id: orgId,
    prefix: keyPrefix(key),
    key_hash: hashKey(key),
    created_at: now,
    last_used_at: null,
    revoked_at: null,
    scope: opts.scope ?? "admin",
    name: opts.name ?? null,
  };
  await db.insert(apiKeys).values(keyRow);
  return { key, keyRow };
}

export async function findOrgByName(db: Db, name: string): Promise<OrgRow | undefined> {
  return (await db.select().from(orgs).where(eq(orgs.name, name)))[0];
}

export async function findOrg(db: Db, id: string): Promise<OrgRow | undefined> {
  return (await db.select().from(orgs).where(eq(orgs.id, id)))[0];
}

export async function findOrgs(db: Db, ids: readonly string[]): Promise<OrgRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(orgs).where(inArray(orgs.id, [...ids]));
}

export async function listOrgs(db: Db): Promise<OrgRow[]> {
  return db.select().from(orgs).orderBy(orgs.created_at);
}

export async function listKeys(db: Db, orgId: string): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.org_id, orgId)).orderBy(apiKeys.created_at);
}

/** The keys of several orgs in one query (the GraphQL loader behind `Org.keys`). */
export async function keysOfOrgs(db: Db, orgIds: readonly string[]): Promise<ApiKeyRow[]> {
  if (orgIds.length === 0) return [];
  return db.select().from(apiKeys).where(inArray(apiKeys.org_id, [...orgIds])).orderBy(apiKeys.created_at, apiKeys.id);
}

export async function findKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  return (await db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0];
}

/** Revokes the one active key starting with `prefix`; refuses an ambiguous prefix. */
export async function revokeKeyByPrefix(db: Db, prefix: string, now = Date.now()): Promise<ApiKeyRow> {
  return revokeKey(db, (await activeKeyByPrefix(db, prefix)).id, now);
}

/** Names the one active key starting with `prefix`, as revokeKeyByPrefix finds it. */
export async function renameKeyByPrefix(db: Db, prefix: string, name: string): Promise<ApiKeyRow> {
  return (await renameKey(db, (await activeKeyByPrefix(db, prefix)).id, name))!;
}

async function activeKeyByPrefix(db: Db, prefix: string): Promise<ApiKeyRow> {
  if (prefix.length < 4) throw new OrgError("Give at least the key prefix shown by `lectr keys list` (e.g. lk_AbCd1234).");
  // Accepts the listed prefix, a shorter start of it, or the whole key.
  const active = await db.select().from(apiKeys).where(isNull(apiKeys.revoked_at));
  const matches = active.filter((k) => k.prefix.startsWith(prefix) || prefix.startsWith(k.prefix));
  if (matches.length === 0) throw new OrgError(`No active key starts with ${prefix}.`);
  if (matches.length > 1) throw new OrgError(`${matches.length} active keys start with ${prefix}; give a longer prefix.`);
  return matches[0]!;
}

export async function revokeKey(db: Db, id: string, now = Date.now()): Promise<ApiKeyRow> {
  await db.update(apiKeys).set({ revoked_at: now }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revoked_at)));
  const row = (await db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0];
  if (!row) throw new OrgError(`No key with id ${id}.`);
  return row;
}

/** The auth lookup: one indexed read joining the key to its org's settings. */
export async function findKeyByHash(db: Db, keyHash: string): Promise<KeyPrincipal | undefined> {
  const row = (
    await db
      .select({
        keyId: apiKeys.id,
        keyHash: apiKeys.key_hash,
        orgId: apiKeys.org_id,
        scope: apiKeys.scope,
        revokedAt: apiKeys.revoked_at,
        endpoint: orgs.azure_endpoint,
        apiVersion: orgs.azure_api_version,
      })
      .from(apiKeys)
      .innerJoin(orgs, eq(orgs.id, apiKeys.org_id))
      .where(eq(apiKeys.key_hash, keyHash))
  )[0];
  if (!row || !sameHash(row.keyHash, keyHash)) return undefined;
  return {
    keyId: row.keyId,
    orgId: row.orgId,
    scope: row.scope,
    revoked: row.revokedAt !== null,
    azure: row.endpoint && row.apiVersion ? { endpoint: row.endpoint, apiVersion: row.apiVersion } : undefined,
  };
}

/**
 * Sets or (undefined) clears the org's Azure endpoint. `deployments` replaces the
 * deployment → model map when given and is kept when not; clearing clears it too.
 */
export async function setAzureSettings(db: Db, orgId: string, azure: AzureSettings | undefined, deployments?: readonly AzureDeployment[]): Promise<void> {
  const map = azure === undefined ? { azure_deployments: null } : deployments === undefined ? {} : { azure_deployments: deployments.length ? JSON.stringify(deployments) : null };
  await db
    .update(orgs)
    .set({ azure_endpoint: azure?.endpoint ?? null, azure_api_version: azure?.apiVersion ?? null, ...map })
    .where(eq(orgs.id, orgId));
}

/** The stored deployment map; anything malformed in it counts as no entry. */
export function parseDeployments(json: string | null): AzureDeployment[] {
  if (!json) return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((d: unknown) => {
    const { deployment, model } = (d ?? {}) as Record<string, unknown>;
    return typeof deployment === "string" && typeof model === "string" ? [{ deployment, model }] : [];
  });
}

/** Every org's Azure deployment map, for the in-memory price books. */
export async function listAzureDeployments(db: Db): Promise<{ orgId: string; deployments: AzureDeployment[] }[]> {
  const rows = await db.select({ id: orgs.id, deployments: orgs.azure_deployments }).from(orgs).where(isNotNull(orgs.azure_deployments));
  return rows.map((r) => ({ orgId: r.id, deployments: parseDeployments(r.deployments) }));
}

/**
 * Records when keys were last used: statements the event writer runs in its
 * batch transaction, so last-use is written per batch, never per request.
 */
export function touchKeysStatements(lastUsed: Map<string, number>): InStatement[] {
  return [...lastUsed].map(([id, at]) => ({
    sql: "UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?",
    args: [at, id],
  }));
}

/** Of these key ids, each one that exists with the org it belongs to (one indexed read; ids are few per spool file batch). */
export async function keyOwners(db: Db, keyIds: string[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  for (let i = 0; i < keyIds.length; i += 500) {
    const part = keyIds.slice(i, i + 500);
    for (const r of await db.select({ id: apiKeys.id, orgId: apiKeys.org_id }).from(apiKeys).where(inArray(apiKeys.id, part))) owners.set(r.id, r.orgId);
  }
  return owners;
}

/** Names a key (null clears the name); undefined when there is no such key. */
export async function renameKey(db: Db, id: string, name: string | null): Promise<ApiKeyRow | undefined> {
  return (await db.update(apiKeys).set({ name }).where(eq(apiKeys.id, id)).returning())[0];
}

/** A key name as given, trimmed; an error message when it cannot be one. */
export function keyNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return "A key name cannot be empty.";
  if (trimmed.length > 64) return "A key name is at most 64 characters.";
  // names show in tables and CSV: no control characters
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return "A key name cannot hold control characters.";
  return null;
}

/** Sets the zone the org counts its months in (null: UTC); the caller checks it is one. */
export async function setOrgTimeZone(db: Db, orgId: string, timeZone: string | null): Promise<OrgRow | undefined> {
  return (await db.update(orgs).set({ time_zone: timeZone }).where(eq(orgs.id, orgId)).returning())[0];
}
