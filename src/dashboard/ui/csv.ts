/** CSV (RFC 4180) of what a table shows, downloaded from memory. */

/** Text a spreadsheet would run as a formula; numbers like -5% or +$3 stay as shown. */
const formula = /^[=@\t\r]|^[+-](?![\d$.])/;

export function toCsv(rows: readonly (readonly string[])[]): string {
  const cell = (raw: string) => {
    const v = formula.test(raw) ? `'${raw}` : raw;
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
