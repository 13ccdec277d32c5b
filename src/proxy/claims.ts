/**
 * This replica's memory of the provider objects whose usage it already recorded (a response polled
 * again, a batch retrieved again), so an obvious repeat is stored without usage at once. The database
 * decides across replicas (src/db/usage-claims.ts); this only spares it the work, and the budget a
 * double count. Bounded: the oldest entries are forgotten first.
 */
import type { EventRow } from "../db/tables.ts";
import { withoutUsage } from "../db/usage-claims.ts";

export interface ClaimMemory {
  /** The event as it should be recorded: without usage when this replica already counted its object. */
  settle(event: EventRow): EventRow;
}

export function createClaimMemory(limit = 10_000): ClaimMemory {
  const seen = new Set<string>();
  return {
    settle(event) {
      if (event.usage_claim == null || (event.input_tokens == null && event.billed_units == null)) return event;
      const key = `${event.org_id}\u0000${event.usage_claim}`;
      if (seen.has(key)) return withoutUsage(event);
      if (seen.size >= limit) seen.delete(seen.values().next().value!);
      seen.add(key);
      return event;
    },
  };
}
