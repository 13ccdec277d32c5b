/** The schema: the printed file is current, the published contracts hold exactly, and /graphql serves GET, POST and GraphiQL. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema, findBreakingChanges, isEnumType, isInputObjectType, isNonNullType, isObjectType } from "graphql";
import { printedSchema } from "../../src/graphql/print.ts";
import { schema } from "../../src/graphql/schema.ts";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";

const root = join(import.meta.dir, "../..");

test("schema/schema.graphql is up to date (run `npm run schema`)", () => {
  expect(readFileSync(join(root, "schema/schema.graphql"), "utf8")).toBe(printedSchema());
});

describe.each([
  ["spend, models, health and events", "contract.graphql"],
  ["routing rules", "contract-routing.graphql"],
  ["costs and Azure deployments", "contract-costs.graphql"],
])("the contract of %s", (_name, file) => {
  const contract = buildSchema(readFileSync(join(import.meta.dir, file), "utf8"));

  test("nothing in it is missing or changed (fields may only be added)", () => {
    expect(findBreakingChanges(contract, schema)).toEqual([]);
  });

  test("every type, field, argument and enum value has exactly the contract's name and type", () => {
    const diff: string[] = [];
    for (const t of Object.values(contract.getTypeMap())) {
      if (t.name.startsWith("__")) continue;
      const ours = schema.getType(t.name);
      if (!ours || ours.constructor !== t.constructor) {
        diff.push(`type ${t.name}`);
        continue;
      }
      if (isEnumType(t) && isEnumType(ours)) {
        const names = ours.getValues().map((v) => v.name);
        for (const v of t.getValues()) if (!names.includes(v.name)) diff.push(`${t.name}.${v.name}`);
      }
      if ((isObjectType(t) && isObjectType(ours)) || (isInputObjectType(t) && isInputObjectType(ours))) {
        const fields = ours.getFields() as Record<string, { type: unknown; args?: readonly { name: string; type: unknown; defaultValue: unknown }[] }>;
        for (const [name, field] of Object.entries(t.getFields()) as [string, { type: unknown; args?: readonly { name: string; type: unknown; defaultValue: unknown }[] }][]) {
          const mine = fields[name];
          if (!mine || String(mine.type) !== String(field.type)) {
            diff.push(`${t.name}.${name}: ${String(field.type)} ≠ ${String(mine?.type)}`);
            continue;
          }
          for (const arg of field.args ?? []) {
            const a = mine.args?.find((x) => x.name === arg.name);
            if (!a || String(a.type) !== String(arg.type) || a.defaultValue !== arg.defaultValue) diff.push(`${t.name}.${name}(${arg.name})`);
          }
          // a field may gain an optional argument (as setAzureSettings gained deployments); never a required one
          const added = (mine.args ?? []).filter((x) => !(field.args ?? []).some((arg) => arg.name === x.name));
          if (added.some((x) => isNonNullType(x.type) && x.defaultValue === undefined)) diff.push(`${t.name}.${name}: extra required arguments`);
        }
      }
    }
    expect(diff).toEqual([]);
  });
});

describe("/graphql over HTTP", () => {
  let l: TestLectr;
  beforeAll(async () => {
    l = await startLectr();
  });
  afterAll(() => l.stop());

  test("a browser's GET gets the explorer, without credentials, and nothing in it comes from elsewhere", async () => {
    const res = await l.request(`/graphql`, { headers: { accept: "text/html" } });
    const html = await res.text();
    expect([res.status, res.headers.get("content-type")?.startsWith("text/html")]).toEqual([200, true]);
    expect(html).toContain("<title>Lectr GraphQL</title>");
    // the schema to read is part of the page
    expect(html).toContain("usageSeries(");
    // no script, style, font or icon from a CDN: no element loads anything, and the policy allows this origin only
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b[^>]*\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("content-security-policy")).toContain("connect-src 'self'");
  });

  test("the explorer page has the dashboard's headers: no framing by any origin, no sniffing, no referrer", async () => {
    const res = await l.request(`/graphql`, { headers: { accept: "text/html" } });
    await res.text();
    expect({
      frameAncestors: res.headers.get("content-security-policy")?.includes("frame-ancestors 'none'"),
      frame: res.headers.get("x-frame-options"),
      sniff: res.headers.get("x-content-type-options"),
      referrer: res.headers.get("referrer-policy"),
      opener: res.headers.get("cross-origin-opener-policy"),
    }).toEqual({ frameAncestors: true, frame: "DENY", sniff: "nosniff", referrer: "no-referrer", opener: "same-origin" });
  });

  test("GET runs a query; a mutation over GET is refused", async () => {
    const q = await l.request(`/graphql?query=${encodeURIComponent("{ settings { azure { endpoint } } }")}`, { headers: { "x-lectr-key": l.key } });
    expect([q.status, await q.json()]).toEqual([200, { data: { settings: { azure: null } } }]);
    const m = await l.request(`/graphql?query=${encodeURIComponent("mutation { clearAzureSettings { azure { endpoint } } }")}`, { headers: { "x-lectr-key": l.key } });
    expect(m.status).toBe(405);
  });

  test("credentials are checked before the body is read; a body over 1 MiB is refused", async () => {
    const query = `{ settings { azure { endpoint } } }${" ".repeat(1024 * 1024)}`;
    const anonymous = await l.request(`/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
    expect([anonymous.status, ((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code]).toEqual([401, "UNAUTHENTICATED"]);
    const res = await l.request(`/graphql`, { method: "POST", headers: { "content-type": "application/json", "x-lectr-key": l.key }, body: JSON.stringify({ query }) });
    expect([res.status, await res.json()]).toEqual([413, { errors: [{ message: "A GraphQL request body may be at most 1048576 bytes.", extensions: { code: "PAYLOAD_TOO_LARGE" } }] }]);
    // just under the limit is fine
    const ok = await l.request(`/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": l.key },
      body: JSON.stringify({ query: `{ settings { azure { endpoint } } }${" ".repeat(1000 * 1000)}` }),
    });
    expect(ok.status).toBe(200);
  });

  test("an unexpected failure is masked and logged", async () => {
    // a closed read connection makes every resolver fail the unexpected way
    const r = await l.request(`/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": l.key },
      body: JSON.stringify({ query: "{ events { edges { cursor } } }" }),
    });
    expect(r.status).toBe(200);
    l.lectr.database.reads.client.close();
    const res = await l.request(`/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lectr-key": l.key },
      body: JSON.stringify({ query: "{ events { edges { cursor } } }" }),
    });
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors.map((e) => [e.message, e.extensions.code])).toEqual([["Unexpected error.", "INTERNAL_SERVER_ERROR"]]);
    expect(l.logs.some((line) => line.includes("unexpected error in GraphQL") && line.includes("closed"))).toBe(true);
  });
});
