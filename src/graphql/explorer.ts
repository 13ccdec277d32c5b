/**
 * The page a browser gets at GET /graphql: a query editor, variables, the
 * key, the answer, and the schema as SDL to read. Everything is inline and
 * part of the binary: no script, style or font from anywhere else (GraphiQL's
 * own bundle is 9 MB and its default page loads it from a CDN).
 */
import { printSchema } from "graphql";
import { schema } from "./schema.ts";

const exampleQuery = `query Dashboard {
  costBreakdown(period: { preset: LAST_7_DAYS }) {
    totalCostUsd
    changePct
    providers { provider costUsd changePct }
  }
  providerHealth { provider requests errorRate avgLatencyMs }
}
`;

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

let page: string | undefined;

export function explorerPage(): string {
  page ??= `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lectr GraphQL</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;display:grid;grid-template-columns:1fr 1fr;grid-template-rows:auto 1fr;height:100vh}
header{grid-column:1/3;display:flex;gap:.5em;align-items:center;padding:.5em;border-bottom:1px solid #ccc}
header input{flex:1;font-family:monospace}
section{display:flex;flex-direction:column;padding:.5em;min-height:0}
textarea,pre{flex:1;font:13px monospace;margin:0 0 .5em;padding:.5em;border:1px solid #ccc;overflow:auto;white-space:pre}
#variables{flex:0 0 6em}
details{max-height:40%;overflow:auto}
</style></head>
<body>
<header><strong>Lectr GraphQL</strong>
<input id="key" type="password" autocomplete="off" placeholder="X-Lectr-Key (lk_…) or admin token">
<label><input id="admin" type="checkbox"> admin token</label>
<button id="run">Run (Ctrl+Enter)</button></header>
<section><textarea id="query" spellcheck="false">${escapeHtml(exampleQuery)}</textarea>
<textarea id="variables" spellcheck="false" placeholder="variables (JSON)"></textarea>
<details><summary>Schema</summary><pre>${escapeHtml(printSchema(schema))}</pre></details></section>
<section><pre id="result"></pre></section>
<script>
const $ = (id) => document.getElementById(id);
async function run() {
  const headers = { "content-type": "application/json" };
  const key = $("key").value.trim();
  if (key) headers[$("admin").checked ? "authorization" : "x-lectr-key"] = $("admin").checked ? "Bearer " + key : key;
  let variables;
  try { variables = $("variables").value.trim() ? JSON.parse($("variables").value) : undefined; }
  catch (e) { $("result").textContent = "Variables are not JSON: " + e.message; return; }
  $("result").textContent = "…";
  const res = await fetch(location.pathname, { method: "POST", headers, body: JSON.stringify({ query: $("query").value, variables }) });
  const text = await res.text();
  try { $("result").textContent = JSON.stringify(JSON.parse(text), null, 2); } catch { $("result").textContent = text; }
}
$("run").onclick = run;
document.onkeydown = (e) => { if ((e.ctrlKey || e.metaKey) && e.key === "Enter") run(); };
</script></body></html>
`;
  return page;
}
