/**
 * What a budget, rate limit or webhook may say, checked before it is
 * stored; the GraphQL mutations answer a failure as BAD_USER_INPUT. Pure.
 */
import { fail, ok, type Result } from "../lib/result.ts";
import { maxFeatureLength, tasks } from "../lib/tags.ts";
import type { BudgetFields, LimitFields } from "../db/budgets.ts";
import { isTimeZone, type BudgetPeriod } from "./budget-period.ts";
import { defaultThresholds, type BudgetAction } from "./types.ts";

export const maxBudgetsPerOrg = 100;
export const maxLimitsPerOrg = 100;
export const maxWebhooksPerOrg = 10;
const maxNameLength = 64;
const maxModelLength = 256;
const maxAmountUsd = 1e9;
const maxPerMinute = 1e12;
const maxExempt = 20;
const maxExemptLength = 256;

export interface BudgetInput {
  name: string;
  feature?: string | null;
  task?: string | null;
  keyId?: string | null;
  provider?: string | null;
  model?: string | null;
  period: BudgetPeriod;
  timeZone?: string | null;
  amountUsd: number;
  thresholds?: readonly number[] | null;
  action: BudgetAction;
  exempt?: readonly string[] | null;
}

export interface LimitInput {
  name: string;
  keyId?: string | null;
  feature?: string | null;
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
}

function checkName(name: string): string | undefined {
  if (name.trim().length === 0 || name.length > maxNameLength) return `name must be 1 to ${maxNameLength} characters`;
  // names appear in error messages and alert texts
  if (/[\u0000-\u001f\u007f]/.test(name)) return "name must not contain control characters";
  return undefined;
}

function checkTags(feature: string | null, task: string | null): string | undefined {
  if (feature !== null && (feature.length === 0 || feature.length > maxFeatureLength)) return `feature must be 1 to ${maxFeatureLength} characters`;
  if (task !== null && !(tasks as readonly string[]).includes(task)) return `task must be one of ${tasks.join(", ")}`;
  return undefined;
}

export function budgetFields(input: BudgetInput): Result<BudgetFields, string> {
  const f: BudgetFields = {
    name: input.name,
    feature: input.feature ?? null,
    task: input.task ?? null,
    keyId: input.keyId ?? null,
    provider: input.provider ?? null,
    model: input.model ?? null,
    period: input.period,
    timeZone: input.timeZone ?? "UTC",
    amountUsd: input.amountUsd,
    thresholds: [...new Set(input.thresholds ?? defaultThresholds)].sort((a, b) => a - b),
    action: input.action,
    exempt: [...new Set(input.exempt ?? [])],
  };
  const problem =
    checkName(f.name) ??
    checkTags(f.feature, f.task) ??
    (f.model !== null && (f.model.length === 0 || f.model.length > maxModelLength) ? `model must be 1 to ${maxModelLength} characters` : undefined) ??
    (isTimeZone(f.timeZone) ? undefined : `timeZone ${JSON.stringify(f.timeZone.slice(0, 64))} is not an IANA time zone`) ??
    (Number.isFinite(f.amountUsd) && f.amountUsd > 0 && f.amountUsd <= maxAmountUsd ? undefined : `amountUsd must be above 0 and at most ${maxAmountUsd}`) ??
    (f.thresholds.length <= 10 && f.thresholds.every((t) => Number.isInteger(t) && t >= 1 && t <= 1000)
      ? undefined
      : "thresholds must be at most 10 whole percents from 1 to 1000") ??
    (f.exempt.length <= maxExempt && f.exempt.every((e) => e.length > 0 && e.length <= maxExemptLength && !/[\u0000-\u001f\u007f]/.test(e))
      ? undefined
      : `exempt must be at most ${maxExempt} routes or models of 1 to ${maxExemptLength} characters`);
  return problem ? fail(problem) : ok(f);
}

export function limitFields(input: LimitInput): Result<LimitFields, string> {
  const f: LimitFields = {
    name: input.name,
    keyId: input.keyId ?? null,
    feature: input.feature ?? null,
    requestsPerMinute: input.requestsPerMinute ?? null,
    tokensPerMinute: input.tokensPerMinute ?? null,
  };
  const positive = (v: number | null) => v === null || (Number.isInteger(v) && v >= 1 && v <= maxPerMinute);
  const problem =
    checkName(f.name) ??
    checkTags(f.feature, null) ??
    (f.keyId !== null && f.feature !== null ? "a limit applies to one key or one feature, not both" : undefined) ??
    (f.requestsPerMinute === null && f.tokensPerMinute === null ? "set requestsPerMinute, tokensPerMinute or both" : undefined) ??
    (positive(f.requestsPerMinute) && positive(f.tokensPerMinute) ? undefined : "limits per minute must be whole numbers from 1");
  return problem ? fail(problem) : ok(f);
}
