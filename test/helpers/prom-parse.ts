/**
 * A strict parser for the Prometheus text exposition format 0.0.4: every
 * line must be a HELP, a TYPE or a sample of a declared metric family, with
 * valid names, quoted and escaped label values, and a float value.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function parseExposition(text: string): { samples: Sample[]; types: Record<string, string> } {
  if (!text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const types: Record<string, string> = {};
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split("\n")) {
    if (line.startsWith("# HELP ")) {
      const name = line.slice(7).split(" ")[0]!;
      if (!metricName.test(name)) throw new Error(`bad HELP name: ${line}`);
      continue;
    }
    if (line.startsWith("# TYPE ")) {
      const [name, type] = line.slice(7).split(" ");
      if (!metricName.test(name!) || !["counter", "gauge", "histogram", "summary", "untyped"].includes(type!)) throw new Error(`bad TYPE: ${line}`);
      if (types[name!]) throw new Error(`TYPE declared twice: ${name}`);
      types[name!] = type!;
      continue;
    }
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/);
    if (!m) throw new Error(`bad sample line: ${line}`);
    const name = m[1]!;
    const family = types[name] ? name : name.replace(/_(bucket|sum|count)$/, "");
    if (!types[family]) throw new Error(`sample of undeclared family: ${line}`);
    const labels: Record<string, string> = {};
    let rest = m[3] ?? "";
    while (rest.length > 0) {
      const lm = rest.match(/^([^=]+)="((?:[^"\\]|\\[\\n"])*)"(,|$)/);
      if (!lm || !labelName.test(lm[1]!)) throw new Error(`bad labels: ${line}`);
      labels[lm[1]!] = lm[2]!.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
      rest = rest.slice(lm[0].length);
    }
    const raw = m[4]!;
    const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
    if (raw !== "NaN" && Number.isNaN(value)) throw new Error(`bad value: ${line}`);
    samples.push({ name, labels, value });
  }
  return { samples, types };
}

export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
