/** Sign in with an org key or the admin token; the admin then picks an org. */
import { useState } from "preact/hooks";
import { explain, gql } from "../api.ts";
import { session } from "../session.ts";
import { useQuery } from "../components/use-query.ts";

export function SignIn() {
  const [kind, setKind] = useState<"key" | "admin">("key");
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const headers: Record<string, string> = kind === "key" ? { "x-lectr-key": secret.trim() } : { authorization: `Bearer ${secret.trim()}` };
    try {
      // a query every principal may run proves the credentials before they are kept
      await gql(kind === "key" ? "{ org { id } }" : "{ orgs { id } }", {}, headers);
      session.set(kind === "key" ? { kind, key: secret.trim() } : { kind, token: secret.trim() });
    } catch (err) {
      setError(explain(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin" id="main">
      <h1>Lectr</h1>
      <p class="muted">Every LLM call your apps make, what it cost and how it went.</p>
      <form onSubmit={submit} class="card">
        <fieldset>
          <legend>Sign in with</legend>
          <label class="inline">
            <input type="radio" name="kind" checked={kind === "key"} onChange={() => setKind("key")} /> an org key
          </label>
          <label class="inline">
            <input type="radio" name="kind" checked={kind === "admin"} onChange={() => setKind("admin")} /> the admin token
          </label>
        </fieldset>
        <label>
          {kind === "key" ? "Org key (lk_…)" : "Admin token (LECTR_ADMIN_TOKEN)"}
          <input type="password" name="secret" autocomplete="off" required value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
        </label>
        <p class="muted small">Kept in this tab only (sessionStorage) and sent to this server alone.</p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}

export function OrgPicker(props: { token: string }) {
  const orgs = useQuery(() => gql<{ orgs: { id: string; name: string }[] }>("{ orgs { id name } }"), "orgs");
  return (
    <main class="signin" id="main">
      <h1>Choose an org</h1>
      {orgs.error ? (
        <p class="error" role="alert">
          {explain(orgs.error)}
        </p>
      ) : null}
      <ul class="org-list">
        {orgs.data?.orgs.map((o) => (
          <li>
            <button type="button" onClick={() => session.set({ kind: "admin", token: props.token, orgId: o.id, orgName: o.name })}>
              {o.name}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" class="small" onClick={() => session.set(null)}>
        Sign out
      </button>
    </main>
  );
}
