/**
 * Reconciliation alerts: when a settled day's unseen spend or price drift for
 * a provider passes the org's threshold, one alert per org × provider × day ×
 * kind goes to the org's webhooks, signed as budget alerts are
 * (X-Lectr-Signature, Idempotency-Key: the alert id).
 */
import type { Client } from "@libsql/client";
import { listWebhooks, logDelivery, type WebhookRow } from "../db/webhooks.ts";
import { signature } from "../budgets/webhook.ts";
import { backoffMs, maxAttempts } from "../budgets/deliver.ts";
import { uuidv7 } from "../lib/uuid.ts";
import { dayTotals } from "./compare.ts";
import { getSettings, insertAlert } from "../db/reconcile.ts";
import type { ReconRow } from "./types.ts";

export interface ReconcileAlert {
  id: string;
  orgId: string;
  provider: string;
  day: number;
  kind: "unseen" | "drift";
  amountUsd: number;
  thresholdUsd: number;
}

export interface AlertDeps {
  fetch(url: string, init: RequestInit): Promise<Response>;
  sleep(ms: number): Promise<void>;
  now(): number;
  checkHost(url: string): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/** The alerts a run's rows call for, given the org's thresholds: settled days only (a provisional day may still fill in). */
export function alertsDue(rows: readonly ReconRow[], t: { unseenAlertUsd: number | null; driftAlertUsd: number | null }): Omit<ReconcileAlert, "id" | "orgId" | "provider">[] {
  const out: Omit<ReconcileAlert, "id" | "orgId" | "provider">[] = [];
  for (const d of dayTotals(rows)) {
    if (d.provisional) continue;
    if (t.unseenAlertUsd !== null && d.unseenUsd > t.unseenAlertUsd) out.push({ day: d.day, kind: "unseen", amountUsd: d.unseenUsd, thresholdUsd: t.unseenAlertUsd });
    if (t.driftAlertUsd !== null && Math.abs(d.driftUsd) > t.driftAlertUsd) out.push({ day: d.day, kind: "drift", amountUsd: d.driftUsd, thresholdUsd: t.driftAlertUsd });
  }
  return out;
}

export function alertBody(format: WebhookRow["format"], a: ReconcileAlert): string {
  const day = new Date(a.day).toISOString().slice(0, 10);
  const what = a.kind === "unseen" ? "spend Lectr never saw" : "price drift (provider's amount vs Lectr's prices on the same tokens)";
  const text = `Reconciliation ${a.provider} ${day}: $${a.amountUsd.toFixed(2)} of ${what}, over the $${a.thresholdUsd.toFixed(2)} threshold.`;
  if (format === "slack") return JSON.stringify({ text });
  return JSON.stringify({ type: `reconciliation.${a.kind}`, id: a.id, orgId: a.orgId, provider: a.provider, day, amountUsd: a.amountUsd, thresholdUsd: a.thresholdUsd });
}

/** Posts one alert to one webhook with the budget alerts' retries; every attempt is logged in webhookDeliveries. */
async function post(db: Client, hook: WebhookRow, a: ReconcileAlert, deps: AlertDeps): Promise<boolean> {
  const body = alertBody(hook.format, a);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) await deps.sleep(backoffMs(attempt - 1));
    let status: number | null = null;
    let error: string | null = null;
    const host = await deps.checkHost(hook.url);
    if (!host.ok) error = `refused: ${host.reason}`;
    else {
      try {
        const res = await deps.fetch(hook.url, {
          method: "POST",
          headers: { "content-type": "application/json", "user-agent": "lectr-webhook", "idempotency-key": a.id, "x-lectr-signature": signature(hook.secret, body, Math.floor(deps.now() / 1000)) },
          body,
          redirect: "manual",
          signal: AbortSignal.timeout(5_000),
        });
        status = res.status;
        await res.body?.cancel().catch(() => {});
        if (status < 200 || status >= 300) error = `HTTP ${status}`;
      } catch (e) {
        error = e instanceof Error && e.name === "TimeoutError" ? "timed out" : "unreachable";
      }
    }
    const delivered = error === null;
    await logDelivery(db, { id: uuidv7(deps.now()), orgId: a.orgId, alertId: a.id, webhookId: hook.id, attempt, status, error, delivered, createdAt: deps.now() }).catch(() => {});
    if (delivered) return true;
  }
  return false;
}

/** Records the alerts a run calls for (once each, across replicas) and posts the new ones. */
export async function sendAlerts(db: Client, orgId: string, provider: string, rows: readonly ReconRow[], deps: AlertDeps): Promise<ReconcileAlert[]> {
  const due = alertsDue(rows, await getSettings(db, orgId));
  const sent: ReconcileAlert[] = [];
  for (const d of due) {
    const id = await insertAlert(db, { orgId, provider, ...d }, deps.now());
    if (!id) continue;
    const alert = { id, orgId, provider, ...d };
    const hooks = await listWebhooks(db, orgId);
    await Promise.all(hooks.map((h) => post(db, h, alert, deps)));
    sent.push(alert);
  }
  return sent;
}
