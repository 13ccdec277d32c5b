/**
 * Folds events into rollup deltas: per org, hour, provider, model, feature
 * and task; per org, UTC day, provider and model; and status counts per
 * provider by hour and day. The event writer upserts these in the same
 * transaction as the events. `addEvent` is also how the dashboard queries
 * fold the partial hours they read from events, so both count alike. Pure.
 */
import { latencyBucket, latencyBucketCount } from "./histogram.ts";
import { dayMs, floorTo, hourMs } from "./period.ts";
import { isProviderError } from "./rates.ts";

/** Rollup rows' sums; every rollup table carries all of them. */
export interface Sums {
  requests: number;
  errors: number;
  /** Requests whose model had no known price. */
  unpriced: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  latencySumMs: number;
  latencyMinMs: number | null;
  latencyMaxMs: number | null;
  lastErrorAt: number | null;
  /** Counts per latency bucket (see histogram.ts). */
  histogram: number[];
}

/** One rollup row's key and what to add to it. Daily rows have no feature or task (null). */
export type RollupDelta = {
  orgId: string;
  start: number;
  provider: string;
  model: string;
  feature: string | null;
  task: string | null;
} & Sums;

export interface StatusDelta {
  orgId: string;
  start: number;
  provider: string;
  status: number;
  requests: number;
}

export interface BatchRollups {
  hours: RollupDelta[];
  days: RollupDelta[];
  hourStatuses: StatusDelta[];
  dayStatuses: StatusDelta[];
}

/** The event columns a rollup needs (an event row has them all; stated here so the pure math needs nothing from db/). */
export interface RollupEvent {
  org_id: string;
  created_at: number;
  provider: string;
  model: string;
  feature?: string | null;
  task?: string | null;
  status: number;
  error_code?: string | null;
  latency_ms: number;
  cost_usd?: number | null;
  price_known?: boolean;
  input_tokens?: number | null;
  output_tokens?: number | null;
}

export function emptySums(): Sums {
  return {
    requests: 0,
    errors: 0,
    unpriced: 0,
    costUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    latencySumMs: 0,
    latencyMinMs: null,
    latencyMaxMs: null,
    lastErrorAt: null,
    histogram: new Array<number>(latencyBucketCount).fill(0),
  };
}

export function addEvent(into: Sums, e: RollupEvent): void {
  const error = isProviderError(e.status, e.error_code ?? null);
  into.requests++;
  if (error) {
    into.errors++;
    into.lastErrorAt = maxOf(into.lastErrorAt, e.created_at);
  }
  if (!e.price_known) into.unpriced++;
  into.costUsd += e.cost_usd ?? 0;
  into.inputTokens += e.input_tokens ?? 0;
  into.outputTokens += e.output_tokens ?? 0;
  into.latencySumMs += e.latency_ms;
  into.latencyMinMs = minOf(into.latencyMinMs, e.latency_ms);
  into.latencyMaxMs = maxOf(into.latencyMaxMs, e.latency_ms);
  into.histogram[latencyBucket(e.latency_ms)]!++;
}

export function addSums(into: Sums, from: Sums): void {
  into.requests += from.requests;
  into.errors += from.errors;
  into.unpriced += from.unpriced;
  into.costUsd += from.costUsd;
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.latencySumMs += from.latencySumMs;
  into.latencyMinMs = minOf(into.latencyMinMs, from.latencyMinMs);
  into.latencyMaxMs = maxOf(into.latencyMaxMs, from.latencyMaxMs);
  into.lastErrorAt = maxOf(into.lastErrorAt, from.lastErrorAt);
  for (let i = 0; i < into.histogram.length; i++) into.histogram[i]! += from.histogram[i] ?? 0;
}

export function aggregateEvents(events: readonly RollupEvent[]): BatchRollups {
  const hours = new Map<string, RollupDelta>();
  const days = new Map<string, RollupDelta>();
  const hourStatuses = new Map<string, StatusDelta>();
  const dayStatuses = new Map<string, StatusDelta>();
  for (const e of events) {
    const hour = floorTo(e.created_at, hourMs);
    const day = floorTo(e.created_at, dayMs);
    const feature = e.feature ?? "";
    const task = e.task ?? "";
    // Unambiguous keys: the free-form parts are length-prefixed or last.
    const head = `${e.org_id}|${e.provider}|`;
    addEvent(
      rollupRow(hours, `${head}${hour}|${feature.length}:${feature}|${task}|${e.model}`, e, hour, e.feature ?? null, e.task ?? null),
      e,
    );
    addEvent(rollupRow(days, `${head}${day}|${e.model}`, e, day, null, null), e);
    countStatus(hourStatuses, `${head}${hour}|${e.status}`, e, hour);
    countStatus(dayStatuses, `${head}${day}|${e.status}`, e, day);
  }
  return { hours: [...hours.values()], days: [...days.values()], hourStatuses: [...hourStatuses.values()], dayStatuses: [...dayStatuses.values()] };
}

function rollupRow(rows: Map<string, RollupDelta>, key: string, e: RollupEvent, start: number, feature: string | null, task: string | null): RollupDelta {
  let r = rows.get(key);
  if (!r) {
    r = { orgId: e.org_id, start, provider: e.provider, model: e.model, feature, task, ...emptySums() };
    rows.set(key, r);
  }
  return r;
}

function countStatus(rows: Map<string, StatusDelta>, key: string, e: RollupEvent, start: number): void {
  const s = rows.get(key);
  if (s) s.requests++;
  else rows.set(key, { orgId: e.org_id, start, provider: e.provider, status: e.status, requests: 1 });
}

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
