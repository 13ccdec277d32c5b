/**
 * Query answers as they cross between the read thread and the thread that
 * asked: plain arrays going over (a libSQL row's values sit on non-enumerable
 * properties, which a structured clone drops), rebuilt on arrival into rows
 * shaped as the libSQL client makes them, so drizzle reads them the same way.
 */
import type { ResultSet, Row } from "@libsql/client";

export interface WireResult {
  columns: string[];
  columnTypes: string[];
  rows: unknown[][];
  rowsAffected: number;
  lastInsertRowid: bigint | undefined;
}

export function toWire(r: ResultSet): WireResult {
  return {
    columns: r.columns,
    columnTypes: r.columnTypes,
    rows: r.rows.map((row) => Array.from({ length: row.length }, (_, i) => row[i])),
    rowsAffected: r.rowsAffected,
    lastInsertRowid: r.lastInsertRowid,
  };
}

/** As @libsql/client builds a row: values by index (not enumerable) and by the first column of each name. */
function toRow(values: unknown[], columns: string[]): Row {
  const row = {} as Row;
  Object.defineProperty(row, "length", { value: values.length });
  values.forEach((value, i) => {
    Object.defineProperty(row, i, { value });
    const column = columns[i]!;
    if (!Object.hasOwn(row, column)) Object.defineProperty(row, column, { value, enumerable: true, configurable: true, writable: true });
  });
  return row;
}

export function fromWire(w: WireResult): ResultSet {
  const rows = w.rows.map((values) => toRow(values, w.columns));
  return {
    columns: w.columns,
    columnTypes: w.columnTypes,
    rows,
    rowsAffected: w.rowsAffected,
    lastInsertRowid: w.lastInsertRowid,
    toJSON: () => ({
      columns: w.columns,
      columnTypes: w.columnTypes,
      rows: w.rows,
      rowsAffected: w.rowsAffected,
      lastInsertRowid: w.lastInsertRowid === undefined ? null : String(w.lastInsertRowid),
    }),
  };
}
