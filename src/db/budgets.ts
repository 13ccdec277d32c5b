/**
 * The only SQL over `budgets` and `rate_limits` (the GraphQL API's reads and
 * changes, and the full loads the sync thread keeps in memory), and the rows
 * as src/budgets/ sees them. Plain libSQL client calls, so the sync thread
 * uses it too.
 */
import type { Client, InValue, Row } from "@libsql/client";
import { uuidv7 } from "../lib/uuid.ts";

/** A budget's calendar period (src/budgets/budget-period.ts). */
export type BudgetPeriod = "day" | "week" | "month";

export type BudgetAction = "alert" | "block";

/** What a budget counts: the org's requests, narrowed by every field that is set (null: any). */
export interface BudgetScope {
  feature: string | null;
  task: string | null;
  keyId: string | null;
  provider: string | null;
  /** An exact model id, or a prefix ending in `*`. */
  model: string | null;
}

export interface Budget {
  id: string;
  orgId: string;
  name: string;
  scope: BudgetScope;
  period: BudgetPeriod;
  /** IANA zone the period follows; "UTC" by default. */
  timeZone: string;
  amountUsd: number;
  /** Percent of the amount at which an alert goes out, ascending. */
  thresholds: number[];
  action: BudgetAction;
  /**
   * Routes (starting with "/") and models (exact, or a prefix ending in `*`)
   * whose calls a block budget admits although their cost cannot be
   * estimated before they run; their recorded cost still counts.
   */
  exempt: string[];
}

/** Requests and tokens per minute for the org, one key or one feature (null both: the whole org). */
export interface RateLimit {
  id: string;
  orgId: string;
  name: string;
  keyId: string | null;
  feature: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

export interface BudgetFields {
  name: string;
  feature: string | null;
  task: string | null;
  keyId: string | null;
  provider: string | null;
  model: string | null;
  period: BudgetPeriod;
  timeZone: string;
  amountUsd: number;
  thresholds: number[];
  action: BudgetAction;
  exempt: string[];
}

export interface BudgetRow extends Budget {
  createdAt: number;
  updatedAt: number;
}

export interface LimitFields {
  name: string;
  keyId: string | null;
  feature: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

export interface LimitRow extends RateLimit {
  createdAt: number;
  updatedAt: number;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toBudget(r: Row): BudgetRow {
  return {
    id: String(r.id),
    orgId: String(r.org_id),
    name: String(r.name),
    scope: { feature: str(r.feature), task: str(r.task), keyId: str(r.key_id), provider: str(r.provider), model: str(r.model) },
    period: String(r.period) as BudgetPeriod,
    timeZone: String(r.time_zone),
    amountUsd: Number(r.amount_usd),
    thresholds: (JSON.parse(String(r.thresholds)) as number[]).map(Number),
    action: String(r.action) as BudgetAction,
    exempt: (JSON.parse(String(r.exempt ?? "[]")) as unknown[]).map(String),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function toLimit(r: Row): LimitRow {
  return {
    id: String(r.id),
    orgId: String(r.org_id),
    name: String(r.name),
    keyId: str(r.key_id),
    feature: str(r.feature),
    requestsPerMinute: num(r.requests_per_minute),
    tokensPerMinute: num(r.tokens_per_minute),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

const budgetColumns = "id, org_id, name, feature, task, key_id, provider, model, period, time_zone, amount_usd, thresholds, action, exempt, created_at, updated_at";

/** Every org's budgets; the table is small (budgets are written by people). */
export async function listAllBudgets(client: Client): Promise<BudgetRow[]> {
  return (await client.execute(`SELECT ${budgetColumns} FROM budgets ORDER BY org_id, id`)).rows.map(toBudget);
}

export async function listBudgets(client: Client, orgId: string): Promise<BudgetRow[]> {
  return (await client.execute({ sql: `SELECT ${budgetColumns} FROM budgets WHERE org_id = ? ORDER BY id`, args: [orgId] })).rows.map(toBudget);
}

function budgetArgs(f: BudgetFields): InValue[] {
  return [f.name, f.feature, f.task, f.keyId, f.provider, f.model, f.period, f.timeZone, f.amountUsd, JSON.stringify(f.thresholds), f.action, JSON.stringify(f.exempt)];
}

/** Undefined when the org already has `max` budgets; throws on a duplicate name (UNIQUE). */
export async function insertBudget(client: Client, orgId: string, f: BudgetFields, max: number, now = Date.now()): Promise<BudgetRow | undefined> {
  const res = await client.execute({
    sql: `INSERT INTO budgets (${budgetColumns}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
      WHERE (SELECT count(*) FROM budgets WHERE org_id = ?) < ? RETURNING ${budgetColumns}`,
    args: [uuidv7(now), orgId, ...budgetArgs(f), now, now, orgId, max],
  });
  return res.rows[0] && toBudget(res.rows[0]);
}

export async function updateBudget(client: Client, orgId: string, id: string, f: BudgetFields, now = Date.now()): Promise<BudgetRow | undefined> {
  const res = await client.execute({
    sql: `UPDATE budgets SET name = ?, feature = ?, task = ?, key_id = ?, provider = ?, model = ?, period = ?, time_zone = ?, amount_usd = ?, thresholds = ?, action = ?, exempt = ?, updated_at = ?
      WHERE org_id = ? AND id = ? RETURNING ${budgetColumns}`,
    args: [...budgetArgs(f), now, orgId, id],
  });
  return res.rows[0] && toBudget(res.rows[0]);
}

export async function deleteBudget(client: Client, orgId: string, id: string): Promise<boolean> {
  return (await client.execute({ sql: "DELETE FROM budgets WHERE org_id = ? AND id = ?", args: [orgId, id] })).rowsAffected > 0;
}

const limitColumns = "id, org_id, name, key_id, feature, requests_per_minute, tokens_per_minute, created_at, updated_at";

export async function listAllLimits(client: Client): Promise<LimitRow[]> {
  return (await client.execute(`SELECT ${limitColumns} FROM rate_limits ORDER BY org_id, id`)).rows.map(toLimit);
}

export async function listLimits(client: Client, orgId: string): Promise<LimitRow[]> {
  return (await client.execute({ sql: `SELECT ${limitColumns} FROM rate_limits WHERE org_id = ? ORDER BY id`, args: [orgId] })).rows.map(toLimit);
}

export async function insertLimit(client: Client, orgId: string, f: LimitFields, max: number, now = Date.now()): Promise<LimitRow | undefined> {
  const res = await client.execute({
    sql: `INSERT INTO rate_limits (${limitColumns}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?
      WHERE (SELECT count(*) FROM rate_limits WHERE org_id = ?) < ? RETURNING ${limitColumns}`,
    args: [uuidv7(now), orgId, f.name, f.keyId, f.feature, f.requestsPerMinute, f.tokensPerMinute, now, now, orgId, max],
  });
  return res.rows[0] && toLimit(res.rows[0]);
}

export async function updateLimit(client: Client, orgId: string, id: string, f: LimitFields, now = Date.now()): Promise<LimitRow | undefined> {
  const res = await client.execute({
    sql: `UPDATE rate_limits SET name = ?, key_id = ?, feature = ?, requests_per_minute = ?, tokens_per_minute = ?, updated_at = ?
      WHERE org_id = ? AND id = ? RETURNING ${limitColumns}`,
    args: [f.name, f.keyId, f.feature, f.requestsPerMinute, f.tokensPerMinute, now, orgId, id],
  });
  return res.rows[0] && toLimit(res.rows[0]);
}

export async function deleteLimit(client: Client, orgId: string, id: string): Promise<boolean> {
  return (await client.execute({ sql: "DELETE FROM rate_limits WHERE org_id = ? AND id = ?", args: [orgId, id] })).rowsAffected > 0;
}
