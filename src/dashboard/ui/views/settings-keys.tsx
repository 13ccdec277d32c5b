/**
 * Org keys: list, create (the key shown once, with a copy button), name, revoke.
 * Key scopes are shown and chosen when the server has them (ApiKey.scope,
 * createKey(scope:)); a server without them gets the same page without.
 */
import { useState } from "preact/hooks";
import { explain, gql } from "../api.ts";
import { Table } from "../components/table.tsx";
import { useQuery } from "../components/use-query.ts";
import { time } from "../format.ts";
import { CopyButton } from "./first-run.tsx";
import { Failure, keyOf, scopeOf, type ViewProps } from "./common.tsx";
import { Outcome } from "./settings.tsx";

interface Key {
  id: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  scope?: string | null;
  name: string | null;
}
export interface Schema {
  key: { fields: { name: string }[] } | null;
  mutation: { fields: { name: string; args: { name: string; type: TypeRef }[] }[] } | null;
}
type TypeRef = { name: string | null; kind: string; enumValues?: { name: string }[] | null; ofType?: TypeRef | null };

const introspection = `{ key: __type(name: "ApiKey") { fields { name } } mutation: __type(name: "Mutation") { fields { name args { name type { name kind enumValues { name } ofType { name kind enumValues { name } } } } } } }`;

/** What this server's schema offers for scopes. */
export function scopesOf(s: Schema): { field: boolean; values: string[]; type: string } {
  const arg = s.mutation?.fields.find((f) => f.name === "createKey")?.args.find((a) => a.name === "scope");
  const type = arg?.type.enumValues ? arg.type : arg?.type.ofType;
  return { field: !!s.key?.fields.some((f) => f.name === "scope"), values: type?.enumValues?.map((v) => v.name) ?? [], type: type?.name ?? "" };
}

export function Keys({ params }: ViewProps) {
  const { orgId } = scopeOf(params);
  const q = useQuery(async () => {
    const schema = scopesOf(await gql<Schema>(introspection));
    const data = await gql<{ org: { id: string; name: string; keys: Key[] } }>(`query($org: ID) { org(orgId: $org) { id name keys { id name prefix createdAt lastUsedAt revokedAt${schema.field ? " scope" : ""} } } }`, { org: orgId });
    return { schema, org: data.org };
  }, keyOf(params, "keys"));
  const [created, setCreated] = useState<string>();
  const [scope, setScope] = useState("");
  const [name, setName] = useState("");
  const [renaming, setRenaming] = useState({ id: "", name: "" });
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const [confirming, setConfirming] = useState<string>();
  if (q.error) return <Failure error={q.error} />;
  if (!q.data) return <p class="muted">Loading…</p>;
  const { schema, org } = q.data;
  const create = async () => {
    setCreated(undefined);
    try {
      const withScope = schema.values.length > 0 && scope !== "";
      const r = await gql<{ createKey: { key: string } }>(
        `mutation($org: ID!, $name: String${withScope ? `, $scope: ${schema.type}` : ""}) { createKey(orgId: $org, name: $name${withScope ? ", scope: $scope" : ""}) { key } }`,
        { org: org.id, name: name.trim() || null, scope: withScope ? scope : undefined },
      );
      setName("");
      setCreated(r.createKey.key);
      setMessage(undefined);
      q.reload();
    } catch (err) {
      setMessage({ ok: false, text: explain(err) });
    }
  };
  const rename = async () => {
    try {
      const r = await gql<{ renameKey: { prefix: string; name: string | null } }>(`mutation($id: ID!, $name: String) { renameKey(id: $id, name: $name) { prefix name } }`, {
        id: renaming.id,
        name: renaming.name.trim() || null,
      });
      setMessage({ ok: true, text: r.renameKey.name ? `${r.renameKey.prefix}… is now "${r.renameKey.name}".` : `${r.renameKey.prefix}… has no name now.` });
      setRenaming({ id: "", name: "" });
      q.reload();
    } catch (err) {
      setMessage({ ok: false, text: explain(err) });
    }
  };
  const revoke = async (k: Key) => {
    // two clicks: apps using the key stop working at once
    if (confirming !== k.id) return setConfirming(k.id);
    setConfirming(undefined);
    try {
      await gql(`mutation($id: ID!) { revokeKey(id: $id) { id } }`, { id: k.id });
      setMessage({ ok: true, text: `Revoked ${k.prefix}….` });
      q.reload();
    } catch (err) {
      setMessage({ ok: false, text: explain(err) });
    }
  };
  return (
    <>
      <section class="card">
        <h2>New key for {org.name}</h2>
        <div class="inline-form">
          {schema.values.length > 0 && (
            <label>
              Scope{" "}
              <select name="scope" value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
                <option value="">Default</option>
                {schema.values.map((v) => (
                  <option value={v}>{v.toLowerCase()}</option>
                ))}
              </select>
            </label>
          )}
          <label>
            Name <input name="name" maxLength={64} placeholder="billing-service" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <button type="button" onClick={create}>
            Create key
          </button>
        </div>
        {created && (
          <div class="notice" role="status">
            <p>Your new key, shown only this once. Store it now:</p>
            <code class="secret" data-new-key>
              {created}
            </code>
            <CopyButton text={created} label="Copy key" />
          </div>
        )}
        <Outcome message={message} />
      </section>
      <section class="card">
        <Table
          name="keys"
          caption="Keys"
          rows={org.keys}
          columns={[
            { label: "Name", value: (k) => k.name ?? "—" },
            { label: "Key", value: (k) => `${k.prefix}…` },
            ...(schema.field ? [{ label: "Scope", value: (k: Key) => k.scope ?? "—" }] : []),
            { label: "Created", value: (k) => k.createdAt, text: (k) => time(k.createdAt) },
            { label: "Last used", value: (k) => k.lastUsedAt, text: (k) => time(k.lastUsedAt) },
            { label: "Status", value: (k) => (k.revokedAt ? `revoked ${time(k.revokedAt)}` : "active") },
            { label: "Action", value: (k) => (k.revokedAt ? "" : confirming === k.id ? "Confirm revoke" : "Revoke"), action: (k) => (k.revokedAt ? null : { onClick: () => revoke(k) }) },
          ]}
        />
        <form
          class="inline-form"
          aria-label="Name a key"
          onSubmit={(e) => {
            e.preventDefault();
            void rename();
          }}
        >
          <label>
            Key{" "}
            <select name="renameKey" value={renaming.id} onChange={(e) => setRenaming({ id: e.currentTarget.value, name: org.keys.find((k) => k.id === e.currentTarget.value)?.name ?? "" })}>
              <option value="">Choose a key</option>
              {org.keys
                .filter((k) => !k.revokedAt)
                .map((k) => (
                  <option value={k.id}>{k.name ? `${k.name} (${k.prefix}…)` : `${k.prefix}…`}</option>
                ))}
            </select>
          </label>
          <label>
            Its name <input name="keyName" maxLength={64} value={renaming.name} onInput={(e) => setRenaming({ ...renaming, name: e.currentTarget.value })} />
          </label>
          <button type="submit" disabled={!renaming.id}>
            Save name
          </button>
        </form>
      </section>
    </>
  );
}
