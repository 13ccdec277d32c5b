/**
 * Reads an instant given by a client: ISO 8601 with a time zone
 * (`2026-05-01T12:00:00Z`, `…+02:00`), a date alone (UTC midnight), or epoch
 * milliseconds as a number or a string of digits (what Grafana's `${__from}`
 * gives). A time without a zone is refused: it would mean the server's zone.
 * Pure; parsed field by field so every runtime agrees.
 */
import { fail, ok, type Result } from "./result.ts";

const iso = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/i;
/** ECMAScript's time value range. */
const maxMs = 8.64e15;

export function parseDateTime(value: unknown): Result<number, string> {
  if (typeof value === "number") return epoch(value);
  if (typeof value !== "string") return fail("expected an ISO 8601 date-time or epoch milliseconds");
  if (/^\d{1,16}$/.test(value)) return epoch(Number(value));
  const m = iso.exec(value);
  if (!m) return fail(`"${value.slice(0, 40)}" is not an ISO 8601 date-time with a time zone (e.g. 2026-05-01T12:00:00Z)`);
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? "0", m[5] ?? "0", m[6] ?? "0"].map(Number) as number[];
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  if (m[4] !== undefined && m[8] === undefined) return fail("a time needs a time zone (Z or ±hh:mm)");
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysIn(year!, month!) || hour! > 23 || minute! > 59 || second! > 59) {
    return fail(`"${value}" is not a valid date-time`);
  }
  const zone = m[8]?.toUpperCase() ?? "Z";
  const offsetMin = zone === "Z" ? 0 : (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return epoch(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) + Math.floor(fraction) - offsetMin * 60_000);
}

function epoch(ms: number): Result<number, string> {
  if (!Number.isInteger(ms) || Math.abs(ms) > maxMs) return fail("epoch milliseconds must be an integer within the Date range");
  return ok(ms);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
