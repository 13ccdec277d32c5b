/**
 * Alert bodies and their signature. Two shapes: a Slack-compatible one
 * (`text`, which Slack, Mattermost and Discord's /slack endpoint accept) and
 * a generic JSON one for programs. Pure.
 *
 * Every POST carries `X-Lectr-Signature: t=<unix seconds>,v1=<hex>`, where
 * hex is HMAC-SHA256 of `<t>.<body>` under the webhook's secret (the scheme
 * Stripe uses: the timestamp inside the MAC stops replays), and
 * `Idempotency-Key: <alert id>`, the same on every retry.
 */
import { createHmac } from "node:crypto";
import type { AlertRow } from "../db/budget-alerts.ts";
import type { WebhookFormat } from "../db/webhooks.ts";
import type { Budget } from "./types.ts";

export interface AlertFacts {
  alert: AlertRow;
  budget: Pick<Budget, "id" | "name" | "period" | "timeZone" | "action">;
  periodEnd: number;
}

const usd = (n: number) => `$${n.toFixed(2)}`;

export function alertJson(f: AlertFacts): Record<string, unknown> {
  const a = f.alert;
  return {
    type: a.kind === "forecast" ? "budget.forecast" : "budget.threshold",
    id: a.id,
    orgId: a.orgId,
    budget: { id: f.budget.id, name: f.budget.name, period: f.budget.period, timeZone: f.budget.timeZone, action: f.budget.action, amountUsd: a.amountUsd },
    periodStart: new Date(a.periodStart).toISOString(),
    periodEnd: new Date(f.periodEnd).toISOString(),
    thresholdPct: a.threshold,
    spentUsd: a.spentUsd,
    forecastUsd: a.forecastUsd,
    createdAt: new Date(a.createdAt).toISOString(),
  };
}

export function alertText(f: AlertFacts): string {
  const a = f.alert;
  const name = f.budget.name;
  if (a.kind === "forecast") {
    return `Budget "${name}" is forecast to reach ${usd(a.forecastUsd)} of ${usd(a.amountUsd)} by ${new Date(f.periodEnd).toISOString()} (${usd(a.spentUsd)} spent so far).`;
  }
  const blocked = a.threshold >= 100 && f.budget.action === "block" ? " Requests it covers are now refused until it resets." : "";
  return `Budget "${name}" reached ${a.threshold}%: ${usd(a.spentUsd)} of ${usd(a.amountUsd)} this ${f.budget.period}.${blocked}`;
}

export function alertBody(format: WebhookFormat, f: AlertFacts): string {
  return JSON.stringify(format === "slack" ? { text: alertText(f) } : alertJson(f));
}

export function signature(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${mac}`;
}
