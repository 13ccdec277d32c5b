/**
 * One event per request, checked after every load run against Lectr: the
 * load stops cleanly (wrk's scripts stop sending before wrk exits, so no
 * request is cut halfway), Lectr's writer settles, then the events that
 * arrived during the run are counted and compared with what the client got
 * answered and what the mock answered. All three must be equal, every event
 * a 200 with usage.
 */
import { createClient, type Client } from "@libsql/client";

export interface EventTally {
  total: number;
  ok: number;
  noUsage: number;
  /** "status error_code" → count, for anything that is not a plain 200. */
  other: Record<string, number>;
}

export interface EventCheck {
  expected: number;
  mock: number;
  events: EventTally;
  pass: boolean;
  /** Why it failed, in words. */
  problem?: string;
}

export function openEvents(dbPath: string): Client {
  return createClient({ url: `file:${dbPath}` });
}

/** Events that arrived at or after `since` (epoch ms). Read-only; the harness's only SQL. */
export async function tallyEvents(db: Client, since: number): Promise<EventTally> {
  const rows = (
    await db.execute({
      sql: "SELECT status, error_code, count(*) AS n, sum(input_tokens IS NULL) AS no_usage FROM events WHERE created_at >= ? GROUP BY status, error_code",
      args: [since],
    })
  ).rows;
  const t: EventTally = { total: 0, ok: 0, noUsage: 0, other: {} };
  for (const r of rows) {
    const n = Number(r.n);
    t.total += n;
    t.noUsage += Number(r.no_usage);
    if (Number(r.status) === 200 && r.error_code === null) t.ok += n;
    else t.other[`${r.status} ${r.error_code ?? ""}`.trim()] = n;
  }
  return t;
}

/**
 * Waits for the writer (batches every 250 ms) until the count reaches
 * `expected` and stays there for another 300 ms (a late duplicate would show
 * up within that: the writer flushes every 250 ms), or until `timeoutMs`.
 */
export async function settleEvents(db: Client, since: number, expected: number, timeoutMs = 8_000): Promise<EventTally> {
  const deadline = performance.now() + timeoutMs;
  let t = await tallyEvents(db, since);
  while (t.total < expected && performance.now() < deadline) {
    await Bun.sleep(100);
    t = await tallyEvents(db, since);
  }
  await Bun.sleep(300);
  return tallyEvents(db, since);
}

export function judge(expected: number, mock: number, events: EventTally): EventCheck {
  const problems: string[] = [];
  if (mock !== expected) problems.push(`the mock answered ${mock}, the client got ${expected}`);
  if (events.total < expected) problems.push(`${expected - events.total} events missing`);
  if (events.total > expected) problems.push(`${events.total - expected} events too many`);
  if (events.ok !== events.total) problems.push(`not 200: ${JSON.stringify(events.other)}`);
  if (events.noUsage > 0) problems.push(`${events.noUsage} events without usage`);
  return { expected, mock, events, pass: problems.length === 0, problem: problems.join("; ") || undefined };
}
