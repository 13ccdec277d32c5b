/** Small pure helpers behind the GraphQL API and the event writer. */
import { describe, expect, test } from "bun:test";
import { parseDateTime } from "../../src/lib/date-time.ts";
import { chunks } from "../../src/lib/chunks.ts";
import { decodeCursor, encodeCursor } from "../../src/graphql/cursor.ts";

describe("parseDateTime", () => {
  test.each([
    ["2026-05-01T12:00:00Z", Date.UTC(2026, 4, 1, 12)],
    ["2026-05-01T12:00:00.123Z", Date.UTC(2026, 4, 1, 12, 0, 0, 123)],
    ["2026-05-01T12:00Z", Date.UTC(2026, 4, 1, 12)],
    ["2026-05-01t12:00:00z", Date.UTC(2026, 4, 1, 12)],
    ["2026-05-01T14:30:00+02:00", Date.UTC(2026, 4, 1, 12, 30)],
    ["2026-05-01T00:00:00-05:30", Date.UTC(2026, 4, 1, 5, 30)],
    ["2026-05-01", Date.UTC(2026, 4, 1)],
    ["2024-02-29", Date.UTC(2024, 1, 29)],
    [1714564800000, 1714564800000],
    ["1714564800000", 1714564800000],
  ])("%p → %p", (input, ms) => {
    expect(parseDateTime(input)).toEqual({ ok: true, value: ms });
  });

  test.each([
    "2026-05-01T12:00:00", // no zone: would mean the server's
    "2026-05-01 12:00:00Z",
    "2026-13-01",
    "2025-02-29",
    "2026-04-31T00:00:00Z",
    "2026-05-01T24:00:00Z",
    "yesterday",
    "",
    1.5,
    -1e17,
    true,
    null,
  ])("%p is refused", (input) => {
    expect(parseDateTime(input).ok).toBe(false);
  });
});

describe("chunks", () => {
  test.each([
    [0, 256, []],
    [1, 256, [1]],
    [500, 256, [256, 128, 64, 32, 16, 4]],
    [500, 128, [128, 128, 128, 64, 32, 16, 4]],
    [7, 4, [4, 2, 1]],
  ])("%p rows, at most %p → %p", (n, max, sizes) => {
    const rows = Array.from({ length: n }, (_, i) => i);
    const out = chunks(rows, max);
    expect(out.map((c) => c.length)).toEqual(sizes);
    expect(out.flat()).toEqual(rows);
  });
});

describe("event cursors", () => {
  test("round-trip, and anything else is not a cursor", () => {
    const p = { createdAt: 1714564800123, id: "019e3a4b-5c6d-7e8f-9a0b-1c2d3e4f5a6b" };
    expect(decodeCursor(encodeCursor(p))).toEqual(p);
    for (const bad of ["", "abc", Buffer.from("12:notanid").toString("base64url"), Buffer.from(`x:${p.id}`).toString("base64url")]) {
      expect(decodeCursor(bad)).toBeUndefined();
    }
  });
});
