/**
 * The only SQL over `webhooks` (where alerts go) and `webhook_deliveries`
 * (each attempt to deliver one, budget and reconciliation alerts alike).
 */
import type { Client, Row } from "@libsql/client";
import { uuidv7 } from "../lib/uuid.ts";

export type WebhookFormat = "slack" | "json";

export interface WebhookRow {
  id: string;
  orgId: string;
  url: string;
  format: WebhookFormat;
  /** HMAC-SHA256 key for the signature header; shown once, when the webhook is created. */
  secret: string;
  createdAt: number;
}

function toWebhook(r: Row): WebhookRow {
  return { id: String(r.id), orgId: String(r.org_id), url: String(r.url), format: String(r.format) as WebhookFormat, secret: String(r.secret), createdAt: Number(r.created_at) };
}

export async function listWebhooks(client: Client, orgId: string): Promise<WebhookRow[]> {
  return (await client.execute({ sql: "SELECT id, org_id, url, format, secret, created_at FROM webhooks WHERE org_id = ? ORDER BY id", args: [orgId] })).rows.map(toWebhook);
}

export async function insertWebhook(
  client: Client,
  w: { orgId: string; url: string; format: WebhookFormat; secret: string },
  max: number,
  now = Date.now(),
): Promise<WebhookRow | undefined> {
  const res = await client.execute({
    sql: `INSERT INTO webhooks (id, org_id, url, format, secret, created_at) SELECT ?, ?, ?, ?, ?, ?
      WHERE (SELECT count(*) FROM webhooks WHERE org_id = ?) < ? RETURNING id, org_id, url, format, secret, created_at`,
    args: [uuidv7(now), w.orgId, w.url, w.format, w.secret, now, w.orgId, max],
  });
  return res.rows[0] && toWebhook(res.rows[0]);
}

export async function deleteWebhook(client: Client, orgId: string, id: string): Promise<boolean> {
  return (await client.execute({ sql: "DELETE FROM webhooks WHERE org_id = ? AND id = ?", args: [orgId, id] })).rowsAffected > 0;
}

export interface DeliveryRow {
  id: string;
  orgId: string;
  alertId: string;
  webhookId: string;
  attempt: number;
  /** The receiver's HTTP status; null when it could not be reached. */
  status: number | null;
  error: string | null;
  delivered: boolean;
  createdAt: number;
}

export async function logDelivery(client: Client, d: DeliveryRow): Promise<void> {
  await client.execute({
    sql: "INSERT INTO webhook_deliveries (id, org_id, alert_id, webhook_id, attempt, status, error, delivered, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    args: [d.id, d.orgId, d.alertId, d.webhookId, d.attempt, d.status, d.error, d.delivered ? 1 : 0, d.createdAt],
  });
}

export async function listDeliveries(client: Client, orgId: string, limit: number): Promise<DeliveryRow[]> {
  const res = await client.execute({
    sql: `SELECT id, org_id, alert_id, webhook_id, attempt, status, error, delivered, created_at
      FROM webhook_deliveries WHERE org_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
    args: [orgId, limit],
  });
  return res.rows.map((r) => ({
    id: String(r.id),
    orgId: String(r.org_id),
    alertId: String(r.alert_id),
    webhookId: String(r.webhook_id),
    attempt: Number(r.attempt),
    status: r.status === null ? null : Number(r.status),
    error: r.error === null ? null : String(r.error),
    delivered: Number(r.delivered) === 1,
    createdAt: Number(r.created_at),
  }));
}
