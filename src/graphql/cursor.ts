/**
 * Event cursors: an event's place in the newest-first order (created_at, id),
 * opaque to clients. It names a position, not data, so a cursor never lets one
 * org see another's events: every page is filtered by org first.
 */
import type { EventPosition } from "../db/events.ts";

export function encodeCursor(p: EventPosition): string {
  return Buffer.from(`${p.createdAt}:${p.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): EventPosition | undefined {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const m = /^(\d{1,16}):([0-9a-f-]{36})$/.exec(text);
  if (!m) return undefined;
  return { createdAt: Number(m[1]), id: m[2]! };
}
