/**
 * A table that renders every cell as text (never HTML), sorts by any column,
 * and exports exactly the text it shows as CSV.
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { downloadCsv } from "../csv.ts";

export interface Column<R> {
  label: string;
  /** What sorts; numbers sort numerically. */
  value: (row: R) => string | number | null;
  /** The text shown and exported; default: the value as is. */
  text?: (row: R) => string;
  numeric?: boolean;
  /** A class for the cell's text (e.g. a state's colour, always with its word). */
  tone?: (row: R) => string;
  /** Makes the cell a link or button. */
  action?: (row: R) => { href: string } | { onClick: () => void } | null;
}

export function Table<R>(props: {
  name: string;
  caption: string;
  columns: Column<R>[];
  rows: R[];
  /** Index of the column sorted by at first, and its direction. */
  sort?: [number, "asc" | "desc"];
  footer?: R;
  empty?: ComponentChildren;
}) {
  const [sort, setSort] = useState<[number, "asc" | "desc"] | undefined>(props.sort);
  const rows = [...props.rows];
  if (sort) {
    const col = props.columns[sort[0]]!;
    const dir = sort[1] === "asc" ? 1 : -1;
    rows.sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))) * dir;
    });
  }
  const text = (c: Column<R>, r: R) => (c.text ? c.text(r) : String(c.value(r) ?? "—"));
  const shown = props.footer ? [...rows, props.footer] : rows;
  const exportCsv = () => downloadCsv(props.name, [props.columns.map((c) => c.label), ...shown.map((r) => props.columns.map((c) => text(c, r)))]);
  const cell = (c: Column<R>, r: R) => {
    const a = c.action?.(r);
    const t = text(c, r);
    if (!a) return c.tone ? <span class={c.tone(r)}>{t}</span> : t;
    return "href" in a ? <a href={a.href}>{t}</a> : <button type="button" class="link" onClick={a.onClick}>{t}</button>;
  };
  return (
    <div class="table-wrap">
      <div class="table-head">
        <h3 id={`${props.name}-caption`}>{props.caption}</h3>
        <button type="button" class="small" onClick={exportCsv} data-csv={props.name}>
          Export CSV
        </button>
      </div>
      {props.rows.length === 0 ? (
        <p class="muted">{props.empty ?? "Nothing in this period."}</p>
      ) : (
        <div class="scroll">
          <table data-table={props.name} aria-labelledby={`${props.name}-caption`}>
            <thead>
              <tr>
                {props.columns.map((c, i) => (
                  <th scope="col" class={c.numeric ? "num" : ""} aria-sort={sort?.[0] === i ? (sort[1] === "asc" ? "ascending" : "descending") : undefined}>
                    <button type="button" class="sort" onClick={() => setSort([i, sort?.[0] === i && sort[1] === "desc" ? "asc" : "desc"])}>
                      {c.label}
                      <span aria-hidden="true">{sort?.[0] === i ? (sort[1] === "asc" ? " ▲" : " ▼") : ""}</span>
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  {props.columns.map((c) => (
                    <td class={c.numeric ? "num" : ""}>{cell(c, r)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
            {props.footer && (
              <tfoot>
                <tr>
                  {props.columns.map((c) => (
                    <td class={c.numeric ? "num" : ""}>{text(c, props.footer!)}</td>
                  ))}
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      )}
    </div>
  );
}
