/**
 * Checks that every relative link in the docs resolves: the file exists and,
 * for `page.md#anchor` or `#anchor`, the page has a heading with that anchor
 * (GitHub's rule: lower case, punctuation dropped, spaces as hyphens, a
 * repeated heading numbered -1, -2, …). Links inside code are not links.
 *
 *   bun scripts/check-links.ts     print each broken link; exit 1 if any
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export const root = resolve(import.meta.dir, "..");

/** README.md, SECURITY.md and every page under docs/. */
export function docFiles(dir = root): string[] {
  const docs = join(dir, "docs");
  const pages = existsSync(docs) ? readdirSync(docs).filter((f) => f.endsWith(".md")).map((f) => join(docs, f)) : [];
  return [join(dir, "README.md"), join(dir, "SECURITY.md"), ...pages.sort()];
}

/** The text outside fenced code blocks, line by line (fenced lines become empty). */
function proseLines(text: string): string[] {
  let fenced = false;
  return text.split("\n").map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return "";
    }
    return fenced ? "" : line;
  });
}

export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}_\- ]/gu, "")
    .replace(/ /g, "-");
}

export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of proseLines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m?.[1]) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Relative link targets of a page, code spans left out. */
export function links(text: string): string[] {
  const out: string[] = [];
  for (const line of proseLines(text)) {
    const prose = line.replace(/`[^`]*`/g, "");
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1]!;
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) out.push(target);
    }
  }
  return out;
}

/** Each link of `file` that does not resolve, as "file: target (why)". */
export function brokenLinks(file: string, base = root): string[] {
  const text = readFileSync(file, "utf8");
  const broken: string[] = [];
  for (const target of links(text)) {
    const [path = "", anchor] = target.split("#", 2);
    const resolved = path === "" ? file : resolve(dirname(file), decodeURI(path));
    const where = `${relative(base, file)}: ${target}`;
    if (!existsSync(resolved)) {
      broken.push(`${where} (no such file)`);
      continue;
    }
    if (anchor === undefined || anchor === "") continue;
    if (!resolved.endsWith(".md")) {
      broken.push(`${where} (an anchor into a file that is not a page)`);
    } else if (!anchors(readFileSync(resolved, "utf8")).has(anchor)) {
      broken.push(`${where} (no heading for #${anchor})`);
    }
  }
  return broken;
}

if (import.meta.main) {
  const broken = docFiles().flatMap((f) => brokenLinks(f));
  for (const b of broken) console.log(b);
  process.exit(broken.length > 0 ? 1 : 0);
}
