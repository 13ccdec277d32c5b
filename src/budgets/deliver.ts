/**
 * Posts one alert to one webhook, retrying with exponential backoff, and
 * logs every attempt. Runs on the sync thread: a slow or dead receiver
 * delays nothing but its own retries. Attempts pass a gate bounding the
 * sockets open at once, overall and per org (delivery-gate.ts); an attempt
 * the gate has no room for counts as failed ("not sent") and is retried.
 */
import type { AlertRow } from "../db/budget-alerts.ts";
import type { DeliveryRow, WebhookRow } from "../db/webhooks.ts";
import { uuidv7 } from "../lib/uuid.ts";
import { alertBody, signature, type AlertFacts } from "./webhook.ts";
import { createDeliveryGate, type DeliveryGate } from "./delivery-gate.ts";

export interface DeliverDeps {
  fetch(url: string, init: RequestInit): Promise<Response>;
  sleep(ms: number): Promise<void>;
  now(): number;
  log(row: DeliveryRow): Promise<void>;
  /** Re-checks the receiver's address right before connecting (SSRF: DNS may have changed since it was saved). */
  checkHost(url: string): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Default: the one gate of this thread, shared by every delivery it makes. */
  gate?: DeliveryGate;
}

const threadGate = createDeliveryGate();

export const maxAttempts = 5;
/** Waits before attempts 2…5: 1, 2, 4, 8 s. */
export const backoffMs = (attempt: number) => 1000 * 2 ** (attempt - 1);
const attemptTimeoutMs = 5_000;

export async function deliverAlert(facts: AlertFacts & { alert: AlertRow }, webhook: WebhookRow, deps: DeliverDeps): Promise<boolean> {
  const body = alertBody(webhook.format, facts);
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) await deps.sleep(backoffMs(attempt - 1));
    const outcome = await (deps.gate ?? threadGate).run(facts.alert.orgId, () => post(facts, webhook, body, deps));
    const { status, error } = outcome.ran ? outcome.value : { status: null, error: "not sent: too many deliveries waiting" };
    const delivered = error === null;
    await deps
      .log({ id: uuidv7(deps.now()), orgId: facts.alert.orgId, alertId: facts.alert.id, webhookId: webhook.id, attempt, status, error, delivered, createdAt: deps.now() })
      .catch(() => {});
    if (delivered) return true;
  }
  return false;
}

/** One POST: its HTTP status, and why it failed (null: delivered). */
async function post(facts: { alert: AlertRow }, webhook: WebhookRow, body: string, deps: DeliverDeps): Promise<{ status: number | null; error: string | null }> {
  let status: number | null = null;
  let error: string | null = null;
  const host = await deps.checkHost(webhook.url);
  if (!host.ok) return { status, error: `refused: ${host.reason}` };
  try {
    const res = await deps.fetch(webhook.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "lectr-webhook",
        "idempotency-key": facts.alert.id,
        "x-lectr-signature": signature(webhook.secret, body, Math.floor(deps.now() / 1000)),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(attemptTimeoutMs),
    });
    status = res.status;
    await res.body?.cancel().catch(() => {});
    if (status < 200 || status >= 300) error = `HTTP ${status}`;
  } catch (e) {
    error = e instanceof Error && e.name === "TimeoutError" ? "timed out" : "unreachable";
  }
  return { status, error };
}
