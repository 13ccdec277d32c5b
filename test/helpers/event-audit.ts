/**
 * The suite-wide check for a silent $0: every test database (startLectr's stop(), the replica
 * harness) is scanned before it is removed, and any event below fails the test that made it.
 * - priced, yet the provider reported no usage (no token counts and no billed images or seconds);
 * - a cost of exactly 0 with nothing reported;
 * - 0 input and 0 output tokens on an answered call: no billed call reports that, it is an unreported count read as 0.
 * Left out: a cut stream's estimate (cost_source `estimated`), a labelled estimate rather than a price;
 * and $0 on a refused or failed call (status 400 or more, e.g. a budget's 402): nothing was billed, so 0 is the truth there.
 */
interface Queryable {
  execute(sql: string): Promise<{ rows: ArrayLike<Record<string, unknown>> }>;
}

const rules: readonly [reason: string, where: string][] = [
  ["priced without reported usage", "cost_usd IS NOT NULL AND billed_units IS NULL AND (input_tokens IS NULL OR output_tokens IS NULL)"],
  ["$0 with nothing reported", "cost_usd = 0 AND billed_units IS NULL AND COALESCE(input_tokens, 0) = 0 AND COALESCE(output_tokens, 0) = 0"],
  ["0 input and 0 output tokens on an answered call", "status < 400 AND input_tokens = 0 AND output_tokens = 0"],
];

/** One line per offending event (at most 20 per rule): its id, endpoint, model, tokens and cost, and why. */
export async function silentZeroViolations(db: Queryable): Promise<string[]> {
  const found: string[] = [];
  for (const [reason, where] of rules) {
    const { rows } = await db.execute(
      `SELECT id, endpoint, model, input_tokens, output_tokens, billed_units, cost_usd FROM events
       WHERE (${where}) AND (cost_source IS NULL OR cost_source != 'estimated') AND NOT (cost_usd IS NOT NULL AND cost_usd = 0 AND status >= 400) LIMIT 20`,
    );
    for (const r of Array.from(rows)) {
      found.push(`${reason}: event ${r.id} ${r.endpoint} model=${r.model} tokens=${r.input_tokens}/${r.output_tokens} units=${r.billed_units} cost=${r.cost_usd}`);
    }
  }
  return found;
}
