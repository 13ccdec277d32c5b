import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { anchors, brokenLinks, docFiles, links, root, slug } from "../../scripts/check-links.ts";

describe("every relative link in the docs resolves", () => {
  for (const file of docFiles()) {
    test(file.slice(root.length + 1), () => {
      expect(brokenLinks(file)).toEqual([]);
    });
  }

  test("the README stays a short entry point", () => {
    const lines = readFileSync(join(root, "README.md"), "utf8").trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(300);
    expect(lines).toContain("npm install && npm start     # proxy on http://localhost:8787, embedded database lectr.db, prints your org key");
    expect(lines).toContain("npm install && npm test      # typecheck + the whole test suite");
  });

  test("every screenshot in docs/ is shown somewhere", () => {
    const shown = docFiles().flatMap((f) => links(readFileSync(f, "utf8")).map((l) => join(f, "..", l)));
    const images = readdirSync(join(root, "docs")).filter((f) => f.endsWith(".png")).map((f) => join(root, "docs", f));
    expect(images.filter((i) => !shown.includes(i))).toEqual([]);
  });
});

describe("the link check", () => {
  test("anchors follow GitHub's rule, repeated headings numbered", () => {
    expect(slug("The `x-lectr-cost-usd` header")).toBe("the-x-lectr-cost-usd-header");
    expect(slug("3. Roll out a rule at 10%")).toBe("3-roll-out-a-rule-at-10");
    expect(slug("Download, build, Deno")).toBe("download-build-deno");
    expect([...anchors("# A\n## Tests\n```\n# not a heading\n```\n## Tests\n")]).toEqual(["a", "tests", "tests-1"]);
  });

  test("reports a missing page, a missing anchor and an anchor into a non-page; ignores code and absolute URLs", () => {
    const dir = mkdtempSync(join(tmpdir(), "lectr-links-"));
    try {
      mkdirSync(join(dir, "docs"));
      writeFileSync(join(dir, "docs", "a.md"), "# A\n\n## Real heading\n");
      writeFileSync(join(dir, "shot.png"), "");
      const page = join(dir, "README.md");
      writeFileSync(
        page,
        [
          "# Top",
          "[ok](docs/a.md#real-heading) [ok](#top) ![ok](shot.png) [web](https://example.com/x#y)",
          "[gone](docs/b.md) [bad anchor](docs/a.md#nope) [self](#missing) [png](shot.png#x)",
          "`[in code](nowhere.md)`",
          "```",
          "[in a block](nowhere.md)",
          "```",
        ].join("\n"),
      );
      expect(brokenLinks(page, dir)).toEqual([
        "README.md: docs/b.md (no such file)",
        "README.md: docs/a.md#nope (no heading for #nope)",
        "README.md: #missing (no heading for #missing)",
        "README.md: shot.png#x (an anchor into a file that is not a page)",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
