/** Pieces every view uses: the period and filters from the URL, loading and error states. */
import { explain, orgArg } from "../api.ts";
import { asInput, periodOf, previous, type Range } from "../period.ts";

export interface ViewProps {
  params: URLSearchParams;
}

export interface Scope {
  range: Range;
  period: ReturnType<typeof asInput>;
  previous: ReturnType<typeof asInput>;
  orgId: string | null;
  provider: string | null;
}

export function scopeOf(params: URLSearchParams): Scope {
  const range = periodOf(params);
  return { range, period: asInput(range), previous: asInput(previous(range)), orgId: orgArg(), provider: params.get("provider") || null };
}

/** A cache key for a view's data: everything in the URL but the parts only the page uses. */
export const keyOf = (params: URLSearchParams, ...extra: unknown[]) => JSON.stringify([params.toString(), orgArg(), ...extra]);

export function Failure(props: { error: unknown }) {
  return (
    <p class="error" role="alert">
      {explain(props.error)}
    </p>
  );
}

export const orNone = (v: string | null | undefined) => (v == null || v === "" ? "(none)" : v);
