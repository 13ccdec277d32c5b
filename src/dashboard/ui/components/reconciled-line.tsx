/** One line on the Overview: "Recorded $X of billed $Y" for the period, when a provider's bill has been reconciled. */
import { gql } from "../api.ts";
import { money } from "../format.ts";
import { href } from "../route.ts";
import { useQuery } from "./use-query.ts";
import { keyOf, scopeOf } from "../views/common.tsx";

type Data = { reconciliation: { enabled: boolean; recordedUsd: number; billedUsd: number; unseenUsd: number; rows: { model: string }[] } };

export function ReconciledLine({ params }: { params: URLSearchParams }) {
  const scope = scopeOf(params);
  const q = useQuery(
    () => gql<Data>(`query($p: PeriodInput!, $org: ID) { reconciliation(period: $p, orgId: $org) { enabled recordedUsd billedUsd unseenUsd rows { model } } }`, { p: scope.period, org: scope.orgId }),
    keyOf(params, "reconciled-line"),
  );
  const r = q.data?.reconciliation;
  if (!r?.enabled || r.rows.length === 0) return null;
  return (
    <p class="reconciled" data-reconciled={r.billedUsd}>
      Recorded {money(r.recordedUsd)} of billed {money(r.billedUsd)}
      {r.unseenUsd > 0.005 ? ` (${money(r.unseenUsd)} never went through Lectr)` : ""}. <a href={href("reconciliation", Object.fromEntries(params))}>Reconciliation</a>
    </p>
  );
}
