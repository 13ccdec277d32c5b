/** Checks of what a person types as a price or an Azure deployment map. Pure: each returns the problem, or undefined. */
import type { AzureDeployment } from "./price-book.ts";

/** Above this many USD per 1M tokens a price is most likely a unit error (per 1K tokens, or cents). */
export const maxPlausiblePerMTok = 1_000;
/** No price is above this, force or not ($1 per token): beyond it a cost stops meaning anything, and near 1e308 it overflows. */
export const maxPerMTok = 1_000_000;

export interface PriceInput {
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number | null;
  cacheWritePerMTok: number | null;
  effectiveFrom: number;
  force: boolean;
}

const maxModelLength = 200;
// model and deployment ids never contain control characters; a log line or table must not either
const controlChars = /[\u0000-\u001f\u007f]/;

export function modelIdProblem(model: string, what = "model"): string | undefined {
  if (model.trim() === "") return `${what} must not be empty.`;
  if (model !== model.trim()) return `${what} must not start or end with spaces.`;
  if (model.length > maxModelLength) return `${what} is longer than ${maxModelLength} characters.`;
  if (controlChars.test(model)) return `${what} contains control characters.`;
  return undefined;
}

export function priceInputProblem(p: PriceInput): string | undefined {
  const modelProblem = modelIdProblem(p.model);
  if (modelProblem) return modelProblem;
  const prices: [string, number | null][] = [
    ["inputPerMTok", p.inputPerMTok],
    ["outputPerMTok", p.outputPerMTok],
    ["cachedInputPerMTok", p.cachedInputPerMTok],
    ["cacheWritePerMTok", p.cacheWritePerMTok],
  ];
  for (const [name, value] of prices) {
    if (value === null) continue;
    if (!Number.isFinite(value) || value < 0) return `${name} must be a price of 0 or more (USD per 1M tokens), got ${value}.`;
    if (value > maxPerMTok) return `${name} is $${value} per 1M tokens, more than $${maxPerMTok}, the most any price may be (force does not lift this).`;
    if (value > maxPlausiblePerMTok && !p.force) {
      return `${name} is $${value} per 1M tokens, more than $${maxPlausiblePerMTok}: prices are per 1M tokens (not per 1K or per token). Pass force: true if it is right.`;
    }
  }
  if (!Number.isSafeInteger(p.effectiveFrom) || p.effectiveFrom < 0) return "effectiveFrom must be on or after 1970-01-01.";
  return undefined;
}

const maxDeployments = 500;
const maxDeploymentLength = 100;

export function deploymentsProblem(deployments: readonly AzureDeployment[]): string | undefined {
  if (deployments.length > maxDeployments) return `At most ${maxDeployments} deployments.`;
  const seen = new Set<string>();
  for (const d of deployments) {
    const nameProblem = d.deployment.length > maxDeploymentLength ? `deployment "${d.deployment.slice(0, 40)}…" is longer than ${maxDeploymentLength} characters.` : modelIdProblem(d.deployment, "deployment");
    if (nameProblem) return nameProblem;
    const modelProblem = modelIdProblem(d.model, `The model of deployment "${d.deployment}"`);
    if (modelProblem) return modelProblem;
    if (seen.has(d.deployment)) return `deployment "${d.deployment}" is listed twice.`;
    seen.add(d.deployment);
  }
  return undefined;
}
