/** CSV (RFC 4180) of what a table shows, downloaded from memory. */

/** A spreadsheet may run a cell starting with one of these as a formula (OWASP: CSV injection). */
const formulaStart = /^[=+\-@\t\r]/;
/** The whole cell is a number as the dashboard shows one (-5%, +$1,234.50, -0.25): nothing in it can call anything. */
const wholeNumber = /^[+-]?\$?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?%?$/;

/** Prefixes a quote to any cell a spreadsheet could run, unless the whole cell is a number (`-1+1+HYPERLINK(…)` is not). */
export function csvSafe(raw: string): string {
  return formulaStart.test(raw) && !(wholeNumber.test(raw) && /\d/.test(raw)) ? `'${raw}` : raw;
}

export function toCsv(rows: readonly (readonly string[])[]): string {
  const cell = (raw: string) => {
    const v = csvSafe(raw);
    return /[",\r\n']/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  };
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

export function downloadCsv(name: string, rows: readonly (readonly string[])[]) {
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `${name}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
