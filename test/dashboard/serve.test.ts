/** The dashboard's files as served: headers, conditional and gzipped answers, and what a missing bundle says. */
import { describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { dashboardHandler, securityHeaders } from "../../src/dashboard/serve.ts";
import { csvSafe, toCsv } from "../../src/dashboard/ui/csv.ts";
import { startLectr } from "../helpers/lectr.ts";

const files = [
  { path: "/", type: "text/html; charset=utf-8", body: "<!doctype html><p>hi</p>" },
  { path: "/assets/app.js", type: "text/javascript; charset=utf-8", body: "console.log(1)" },
];
const get = (path: string, headers: Record<string, string> = {}) => new Request(`http://lectr.test${path}`, { headers });

describe("dashboardHandler", () => {
  test("each file with its type, the security headers, an ETag; gzip when accepted; 304 for a matching ETag", async () => {
    const handle = dashboardHandler(async () => files);
    const page = await handle(get("/"));
    expect(page.status).toBe(200);
    expect(Object.fromEntries(page.headers)).toMatchObject({ "content-type": "text/html; charset=utf-8", ...securityHeaders });
    expect(await page.text()).toBe(files[0]!.body);
    const etag = page.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect((await handle(get("/", { "if-none-match": etag }))).status).toBe(304);
    const zipped = await handle(get("/assets/app.js", { "accept-encoding": "gzip, br" }));
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(new Uint8Array(await zipped.arrayBuffer())).toString()).toBe("console.log(1)");
    expect((await handle(get("/assets/other.js"))).status).toBe(404);
  });

  test("a bundle that fails is a 503 that says why, and is tried again on the next request", async () => {
    let calls = 0;
    const handle = dashboardHandler(async () => {
      if (++calls === 1) throw new Error("no Bun here");
      return files;
    });
    const failed = await handle(get("/"));
    expect({ status: failed.status, text: await failed.text() }).toEqual({ status: 503, text: "The dashboard is not available: no Bun here\n" });
    expect((await handle(get("/"))).status).toBe(200);
  });
});

test("run from source, / serves the page and the bundle it names; /graphql is unchanged", async () => {
  await using lectr = await startLectr();
  const page = await lectr.request("/");
  expect(page.headers.get("x-frame-options")).toBe("DENY");
  const html = await page.text();
  const script = html.match(/src="(\/assets\/app\.js)"/)![1]!;
  const js = await lectr.request(script);
  expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect((await js.text()).length).toBeGreaterThan(10_000);
  expect((await lectr.request("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ orgs { id } }" }) })).status).toBe(401);
}, 30_000);

test("CSV quotes what needs quoting and defuses formulas, leaving signed numbers as shown", () => {
  expect(toCsv([["Model", "Spend"], ['a,"b"', "$1.00"], ["=cmd|' /C calc'!A0", "-5%"], ["+x", "+25%"]])).toBe(
    'Model,Spend\r\n"a,""b""",$1.00\r\n"\'=cmd|\' /C calc\'!A0",-5%\r\n"\'+x",+25%\r\n',
  );
});

test("CSV: every cell a spreadsheet could run is defused unless the whole cell is a number", () => {
  const cases: [string, string][] = [
    ["-1+1+HYPERLINK(\"https://evil.example\",\"x\")", "'-1+1+HYPERLINK(\"https://evil.example\",\"x\")"],
    ["+1-1+cmd|' /C calc'!A0", "'+1-1+cmd|' /C calc'!A0"],
    ["-$1+SUM(A1)", "'-$1+SUM(A1)"],
    ["=1+1", "'=1+1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", "'\r=1"],
    ["-", "'-"],
    ["+", "'+"],
    ["-.", "'-."],
    ["-5%", "-5%"],
    ["+25%", "+25%"],
    ["-0.25", "-0.25"],
    ["+$1,234.50", "+$1,234.50"],
    ["-$3", "-$3"],
    ["$1.00", "$1.00"],
    ["gpt-4o", "gpt-4o"],
  ];
  expect(cases.map(([raw]) => [raw, csvSafe(raw)])).toEqual(cases);
});
