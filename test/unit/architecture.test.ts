/**
 * The shape of src/: which top-level folders import which (types included).
 * The graph has no cycles, and nothing outside src/proxy imports from it but
 * the composition root (src/compose.ts), so the request path can change alone.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const src = resolve(import.meta.dir, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** A top-level folder, or a file directly under src/ (each its own node). */
const nodeOf = (file: string) => relative(src, file).split("/")[0]!;

const importSpec = /(?:import|export)[^'"]*?from\s+["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g;

function graph(): Map<string, Map<string, string[]>> {
  const edges = new Map<string, Map<string, string[]>>();
  for (const file of sourceFiles(src)) {
    for (const m of readFileSync(file, "utf8").matchAll(importSpec)) {
      const target = resolve(dirname(file), m[1] ?? m[2]!);
      if (!target.startsWith(src)) continue;
      const [from, to] = [nodeOf(file), nodeOf(target)];
      if (from === to) continue;
      const out = edges.get(from) ?? new Map<string, string[]>();
      out.set(to, [...(out.get(to) ?? []), relative(src, file)]);
      edges.set(from, out);
    }
  }
  return edges;
}

function cycles(edges: Map<string, Map<string, string[]>>): string[] {
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (node: string, path: string[]) => {
    state.set(node, "open");
    for (const next of edges.get(node)?.keys() ?? []) {
      if (state.get(next) === "open") found.push([...path.slice(path.indexOf(next)), next].join(" → "));
      else if (!state.has(next)) visit(next, [...path, next]);
    }
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node, [node]);
  return found;
}

test("the folders of src/ import each other without cycles", () => {
  expect(cycles(graph())).toEqual([]);
});

test("only the composition root imports src/proxy", () => {
  const importers = [...graph()].flatMap(([from, to]) => (to.has("proxy") && from !== "compose.ts" ? to.get("proxy")! : []));
  expect(importers).toEqual([]);
});

test("the checks see a cycle and a stray import when there is one", () => {
  const edges = new Map([
    ["a", new Map([["b", ["a/x.ts"]]])],
    ["b", new Map([["a", ["b/y.ts"]]])],
  ]);
  expect(cycles(edges)).toEqual(["a → b → a"]);
  // and the real graph is not empty: the parser finds imports at all
  expect(graph().get("compose.ts")?.has("proxy")).toBe(true);
});
