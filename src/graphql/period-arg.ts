/** The `period` argument, validated (a bad one is BAD_USER_INPUT). */
import { resolvePeriod, type Period, type PeriodInput, type Preset } from "../stats/period.ts";
import { badInput } from "./errors.ts";

export function periodArg(input: PeriodInput | null | undefined, now: number, fallback?: Preset): Period {
  const resolved = resolvePeriod(input ?? { preset: fallback }, now);
  if (!resolved.ok) throw badInput(resolved.error);
  return resolved.value;
}
