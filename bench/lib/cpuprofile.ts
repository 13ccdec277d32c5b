/**
 * Reads a `.cpuprofile` (Chrome's format, as `bun --cpu-prof` writes it) and
 * says where the time went: self samples per function and per file, as a
 * share of the samples taken while JavaScript (or native code it called) ran.
 * Samples are counted rather than their time deltas summed: Bun's deltas
 * include the idle gaps between samples, so one sample after a quiet moment
 * would otherwise look like a second of work. Pure.
 */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  samples: number;
  /** The profile's wall time, ms. */
  wallMs: number;
  functions: { name: string; where: string; samples: number; pct: number }[];
  files: { file: string; samples: number; pct: number }[];
}

const idleNames = new Set(["(idle)", "(program)", "(root)"]);

function shortFile(url: string): string {
  if (!url) return "(native)";
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) return url.slice(nm + 1);
  const src = url.lastIndexOf("/src/");
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, "");
}

export function summarizeProfile(p: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // a native frame is named after its nearest JavaScript caller ("fetch ← forward src/proxy/forward.ts:50")
  const caller = (id: number): string => {
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (f.url && !f.url.startsWith("node:") && !f.url.startsWith("internal:")) return ` ← ${f.functionName || "(anonymous)"} ${shortFile(f.url)}:${f.lineNumber + 1}`;
    }
    return "";
  };
  const hits = new Map<number, number>();
  for (const id of p.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  let busy = 0;
  const fns = new Map<string, { name: string; where: string; samples: number }>();
  const files = new Map<string, number>();
  for (const [id, n] of hits) {
    const node = byId.get(id);
    if (!node) continue;
    const name = node.callFrame.functionName || "(anonymous)";
    if (idleNames.has(name)) continue;
    busy += n;
    const file = shortFile(node.callFrame.url);
    const where = node.callFrame.url ? `${file}:${node.callFrame.lineNumber + 1}` : `${file}${caller(id)}`;
    const key = `${name}@${where}`;
    const f = fns.get(key) ?? { name, where, samples: 0 };
    f.samples += n;
    fns.set(key, f);
    files.set(file, (files.get(file) ?? 0) + n);
  }
  const share = (n: number) => (n / Math.max(1, busy)) * 100;
  return {
    samples: busy,
    wallMs: (p.endTime - p.startTime) / 1000,
    functions: [...fns.values()]
      .sort((a, b) => b.samples - a.samples)
      .slice(0, top)
      .map((f) => ({ ...f, pct: share(f.samples) })),
    files: [...files.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([file, n]) => ({ file, samples: n, pct: share(n) })),
  };
}
