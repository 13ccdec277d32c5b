import { isoDate, type PriceRegistry, type PriceRow } from "./registry.ts";
import { hasUnitPrice } from "./units.ts";

interface Column {
  readonly title: string;
  readonly cell: (row: PriceRow) => string;
  readonly align: "left" | "right";
}

// Code-unit order, not localeCompare: the table must not change with the machine's locale.
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const usd = (perMTok: number | null): string => (perMTok === null ? "-" : String(perMTok));

const tokenColumns: readonly Column[] = [
  { title: "provider", cell: (r) => r.provider, align: "left" },
  { title: "model", cell: (r) => r.model, align: "left" },
  { title: "effective_from", cell: (r) => isoDate(r.effectiveFrom), align: "left" },
  { title: "input", cell: (r) => usd(r.inputPerMTok), align: "right" },
  { title: "cached", cell: (r) => usd(r.cachedInputPerMTok), align: "right" },
  { title: "cache write", cell: (r) => usd(r.cacheWritePerMTok), align: "right" },
  { title: "output", cell: (r) => usd(r.outputPerMTok), align: "right" },
  { title: "as_of", cell: (r) => r.asOf, align: "left" },
  { title: "source", cell: (r) => r.source, align: "left" },
];

/** Prices in other units, in USD (src/pricing/units.ts); a column shown only when a listed row has one. */
function otherUnits(r: PriceRow): string {
  const parts: string[] = [];
  if (r.imageInputPerMTok != null) parts.push(`image input ${r.imageInputPerMTok}/1M`);
  if (r.audioInputPerMTok != null) parts.push(`audio input ${r.audioInputPerMTok}/1M`);
  if (r.perImage) parts.push(`per image ${Object.entries(r.perImage).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  if (r.perSecond !== undefined) parts.push(`per second ${Number(r.perSecond.toPrecision(6))}${r.minSeconds ? ` (at least ${r.minSeconds} s)` : ""}`);
  return parts.join("; ");
}
const unitsColumn: Column = { title: "other units", cell: otherUnits, align: "left" };

/**
 * The `lectr prices [--model M]` table, USD per 1M tokens. `model` keeps rows whose id contains
 * it or that it resolves to (so a dated id shows the row it is billed at); `at` keeps only the
 * rows in force at that instant, hiding superseded prices.
 */
export function formatPriceTable(reg: PriceRegistry, opts: { model?: string; at?: number } = {}): string {
  const { model, at } = opts;
  const rows = reg.rows
    .filter((r) => model === undefined || r.model.includes(model) || reg.resolveModelId(r.provider, model) === r.model)
    .filter((r) => at === undefined || reg.lookup(r.provider, r.model, at) === r)
    .toSorted((a, b) => compare(a.provider, b.provider) || compare(a.model, b.model) || a.effectiveFrom - b.effectiveFrom);
  if (rows.length === 0) return model === undefined ? "No price rows." : `No price rows match "${model}".`;

  const columns = rows.some((r) => hasUnitPrice(r) || r.imageInputPerMTok != null || r.audioInputPerMTok != null) ? [...tokenColumns.slice(0, -2), unitsColumn, ...tokenColumns.slice(-2)] : tokenColumns;
  const table = [columns.map((c) => c.title), ...rows.map((r) => columns.map((c) => c.cell(r)))];
  const widths = columns.map((_, i) => Math.max(...table.map((line) => line[i]?.length ?? 0)));
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        return columns[i]?.align === "right" ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  const [header = [], ...body] = table;
  return [render(header), render(widths.map((w) => "-".repeat(w))), ...body.map(render)].join("\n");
}
