/**
 * Bounds webhook delivery attempts in flight (each holds a socket): at most
 * `concurrent` at once, at most `perOrg` of them for one org, the rest wait
 * in order. Waiting is bounded too, overall and per org; an attempt that
 * finds no room is not made (the caller records it failed and retries it
 * later with its backoff). One org's thousand alerts cannot take the
 * descriptors every other org and the proxy need.
 */
export interface GateLimits {
  concurrent: number;
  perOrg: number;
  queued: number;
  queuedPerOrg: number;
}

export interface DeliveryGate {
  /** Runs `attempt` once a slot is free for the org; `{ ran: false }` at once when too many already wait. */
  run<T>(orgId: string, attempt: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  readonly active: number;
  readonly waiting: number;
}

export const defaultGateLimits: GateLimits = { concurrent: 32, perOrg: 4, queued: 1_000, queuedPerOrg: 100 };

export function createDeliveryGate(limits: GateLimits = defaultGateLimits): DeliveryGate {
  let active = 0;
  const activeByOrg = new Map<string, number>();
  const waiting: { orgId: string; start: () => void }[] = [];
  const waitingByOrg = new Map<string, number>();
  const bump = (m: Map<string, number>, orgId: string, by: number) => {
    const n = (m.get(orgId) ?? 0) + by;
    if (n === 0) m.delete(orgId);
    else m.set(orgId, n);
  };
  const free = (orgId: string) => active < limits.concurrent && (activeByOrg.get(orgId) ?? 0) < limits.perOrg;
  /** Taken at once, for an attempt that starts now or was just woken: nobody can slip into its slot meanwhile. */
  const take = (orgId: string) => {
    active++;
    bump(activeByOrg, orgId, 1);
  };
  /** Starts the oldest waiting attempts whose org has room. */
  const next = () => {
    for (let i = 0; i < waiting.length && active < limits.concurrent; ) {
      const w = waiting[i]!;
      if (!free(w.orgId)) {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      bump(waitingByOrg, w.orgId, -1);
      take(w.orgId);
      w.start();
    }
  };

  return {
    async run(orgId, attempt) {
      if (free(orgId)) take(orgId);
      else {
        if (waiting.length >= limits.queued || (waitingByOrg.get(orgId) ?? 0) >= limits.queuedPerOrg) return { ran: false };
        bump(waitingByOrg, orgId, 1);
        await new Promise<void>((start) => waiting.push({ orgId, start }));
      }
      try {
        return { ran: true, value: await attempt() };
      } finally {
        active--;
        bump(activeByOrg, orgId, -1);
        next();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return waiting.length;
    },
  };
}
