/**
 * What a routing rule may say, checked before it is stored: the GraphQL
 * mutations answer a failure as BAD_USER_INPUT. Pure.
 */
import { fail, ok, type Result } from "../lib/result.ts";
import type { ProviderId } from "../providers/types.ts";
import { detectProvider } from "../providers/detect.ts";
import { maxFeatureLength, tasks } from "../lib/tags.ts";
import type { RuleFields } from "./rules.ts";

/** RoutingRuleInput as GraphQL hands it over: a field left out is undefined, one sent as null is null. */
export interface RuleInput {
  feature?: string | null;
  task?: string | null;
  model?: string | null;
  provider?: ProviderId | null;
  targetModel: string;
  targetProvider?: ProviderId | null;
  percent?: number | null;
  enabled?: boolean | null;
}

export const maxModelLength = 256;

const defaults: Omit<RuleFields, "targetModel"> = { feature: null, task: null, model: null, provider: null, targetProvider: null, percent: 100, enabled: true };

/**
 * The fields to store. Creating (`current` undefined), what is left out takes
 * its default (match anything, same provider, 100 %, enabled). Updating, what
 * is left out keeps its value and null clears a match field; `percent` and
 * `enabled` are never cleared, so an update that forgets them cannot widen a
 * 10 % experiment to all traffic.
 */
export function ruleFields(input: RuleInput, current?: RuleFields): Result<RuleFields, string> {
  const base = current ?? { ...defaults, targetModel: input.targetModel };
  const pick = <K extends keyof RuleInput & keyof RuleFields>(k: K): RuleFields[K] => (input[k] === undefined ? base[k] : (input[k] as RuleFields[K]));
  const keep = <K extends "percent" | "enabled">(k: K): RuleFields[K] => (input[k] ?? base[k]) as RuleFields[K];
  return checkRule({
    feature: pick("feature"),
    task: pick("task"),
    model: pick("model"),
    provider: pick("provider"),
    targetModel: input.targetModel,
    targetProvider: pick("targetProvider"),
    percent: keep("percent"),
    enabled: keep("enabled"),
  });
}

export function checkRule(raw: RuleFields): Result<RuleFields, string> {
  const f = { ...raw, feature: raw.feature?.trim() ?? null, model: raw.model?.trim() ?? null, targetModel: raw.targetModel.trim(), task: raw.task?.trim().toLowerCase() ?? null };
  if (f.feature !== null && (f.feature === "" || f.feature.length > maxFeatureLength)) {
    return fail(`feature must be 1 to ${maxFeatureLength} characters (leave it out to match any feature).`);
  }
  if (f.task !== null && !(tasks as readonly string[]).includes(f.task)) return fail(`task must be one of ${tasks.join(", ")} (leave it out to match any task).`);
  if (f.model !== null) {
    if (f.model === "" || f.model.length > maxModelLength) return fail(`model must be 1 to ${maxModelLength} characters (leave it out to match any model).`);
    if (f.model.slice(0, -1).includes("*")) return fail(`model may end in * to match every model starting with what precedes it, and may have no other *: "${f.model}".`);
  }
  if (f.feature === null && f.task === null && f.model === null) {
    return fail('A rule must match on feature, task or model (use model: "*" to match every model).');
  }
  if (f.targetModel === "" || f.targetModel.length > maxModelLength || f.targetModel.includes("*")) {
    return fail(`targetModel must be a model id of 1 to ${maxModelLength} characters, without *.`);
  }
  if (!Number.isInteger(f.percent) || f.percent < 1 || f.percent > 100) return fail(`percent must be a whole number from 1 to 100, got ${f.percent}.`);
  const mismatch = providerMismatch(f);
  if (mismatch) return fail(mismatch);
  if (f.model === f.targetModel && (f.targetProvider === null || f.targetProvider === f.provider)) return fail("targetModel is the model the rule matches: the rule would change nothing.");
  return ok(f);
}

/**
 * A target model that belongs to another provider than the one the request
 * would be sent to (e.g. a Claude model on OpenAI) would only ever fail.
 * Checked when both are known: the target's provider from its id, the
 * destination from targetProvider, else the rule's provider or model. Azure
 * deployments are named by their owners, so an Azure destination is never judged.
 */
function providerMismatch(f: RuleFields): string | undefined {
  const sourceModel = f.model?.replace(/\*$/, "") ?? "";
  const destination = f.targetProvider ?? f.provider ?? detectProvider(sourceModel);
  const targetOwner = detectProvider(f.targetModel);
  if (!destination || !targetOwner || destination === "azure" || destination === targetOwner) return undefined;
  return f.targetProvider
    ? `targetModel ${f.targetModel} belongs to ${targetOwner}, but targetProvider is ${f.targetProvider}.`
    : `targetModel ${f.targetModel} belongs to ${targetOwner}, but the requests this rule matches go to ${destination}: set targetProvider to ${targetOwner.toUpperCase()} (requests then need X-Lectr-Provider-Key-${targetOwner}).`;
}

/** Every request walks its org's rules in order: keep the walk short. */
export const maxRulesPerOrg = 100;
