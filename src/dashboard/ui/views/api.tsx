/**
 * A light GraphQL explorer, served from the binary with the rest: run any
 * query with the signed-in credentials, and browse the root fields with
 * their descriptions. The answer is shown as text.
 */
import { useState } from "preact/hooks";
import { authHeaders, orgArg } from "../api.ts";
import { useQuery } from "../components/use-query.ts";
import { gql } from "../api.ts";
import { Failure, type ViewProps } from "./common.tsx";

interface Field {
  name: string;
  description: string | null;
  args: { name: string; type: TypeRef }[];
}
type TypeRef = { name: string | null; kind: string; ofType?: TypeRef | null };
const typeName = (t: TypeRef): string => (t.kind === "NON_NULL" ? `${typeName(t.ofType!)}!` : t.kind === "LIST" ? `[${typeName(t.ofType!)}]` : (t.name ?? "?"));
const rootFields = `{ query: __type(name: "Query") { fields { name description args { name type { name kind ofType { name kind ofType { name kind ofType { name kind } } } } } } }
  mutation: __type(name: "Mutation") { fields { name description args { name type { name kind ofType { name kind ofType { name kind ofType { name kind } } } } } } } }`;

const example = `query Spend($period: PeriodInput!, $org: ID) {
  costBreakdown(period: $period, orgId: $org) {
    totalCostUsd
    changePct
    providers { provider costUsd requests }
  }
}`;

export function Api(_: ViewProps) {
  const [query, setQuery] = useState(example);
  const [variables, setVariables] = useState(JSON.stringify({ period: { preset: "LAST_7_DAYS" }, org: orgArg() }, null, 2));
  const [answer, setAnswer] = useState<string>();
  const schema = useQuery(() => gql<{ query: { fields: Field[] }; mutation: { fields: Field[] } }>(rootFields), "api-schema");
  const run = async (e: Event) => {
    e.preventDefault();
    let vars: unknown;
    try {
      vars = variables.trim() ? JSON.parse(variables) : {};
    } catch (err) {
      return setAnswer(`Variables are not JSON: ${String(err)}`);
    }
    try {
      const res = await fetch("/graphql", { method: "POST", headers: { "content-type": "application/json", ...authHeaders() }, body: JSON.stringify({ query, variables: vars }) });
      setAnswer(`HTTP ${res.status}\n${JSON.stringify(await res.json(), null, 2)}`);
    } catch (err) {
      setAnswer(String(err));
    }
  };
  return (
    <div class="api">
      <form class="card form wide" onSubmit={run} aria-label="Run a GraphQL operation">
        <p class="muted small">
          Runs against <code>/graphql</code> with the credentials you signed in with. The same request with curl: <code>-H "X-Lectr-Key: …"</code> or <code>-H "Authorization: Bearer …"</code>.
        </p>
        <label>
          Operation
          <textarea name="query" rows={12} spellcheck={false} class="code" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </label>
        <label>
          Variables (JSON)
          <textarea name="variables" rows={4} spellcheck={false} class="code" value={variables} onInput={(e) => setVariables(e.currentTarget.value)} />
        </label>
        <div class="row">
          <button type="submit">Run</button>
        </div>
        {answer !== undefined && (
          <pre class="answer" tabIndex={0} aria-label="Answer" aria-live="polite" data-answer>
            {answer}
          </pre>
        )}
      </form>
      <section class="card" aria-labelledby="api-fields">
        <h2 id="api-fields">Root fields</h2>
        {schema.error ? <Failure error={schema.error} /> : null}
        {schema.data &&
          (["query", "mutation"] as const).map((kind) => (
            <>
              <h3>{kind === "query" ? "Queries" : "Mutations"}</h3>
              <dl class="api-fields">
                {schema.data![kind].fields.map((f) => (
                  <div>
                    <dt>
                      <code>
                        {f.name}({f.args.map((a) => `${a.name}: ${typeName(a.type)}`).join(", ")})
                      </code>
                    </dt>
                    <dd class="muted small">{f.description ?? ""}</dd>
                  </div>
                ))}
              </dl>
            </>
          ))}
        <p class="small">
          The whole schema, with every type described, is <code>schema/schema.graphql</code> in the repository.
        </p>
      </section>
    </div>
  );
}
