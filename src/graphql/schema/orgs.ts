/** Orgs and their keys. */
import { builder } from "../builder.ts";
import type { ApiKeyRow, OrgRow } from "../../db/tables.ts";
import { keysOfOrgs, listOrgs, createOrg, OrgError, createKey, findKey, revokeKey, renameKey, keyNameProblem, setOrgTimeZone } from "../../db/orgs.ts";
import { isTimeZone } from "../../budgets/budget-period.ts";
import { badInput, forbidden } from "../errors.ts";
import { orgScope } from "../scope.ts";

export const KeyScope = builder.enumType("KeyScope", {
  description: "What an org key may do in its org.",
  values: {
    PROXY: { value: "proxy", description: "Call providers through /v1 (applications). No GraphQL." },
    READ: { value: "read", description: "GraphQL queries (dashboards, Grafana). Not /v1, no mutations." },
    ADMIN: { value: "admin", description: "Everything its org can: /v1, queries and mutations (Azure endpoint, prices, routing rules, revoking keys)." },
  } as const,
});

/** A new org key with its org and record (implemented in results.ts). */
export const CreatedKey = builder.objectRef<{ org: OrgRow; key: string; keyRow: ApiKeyRow }>("CreatedKey");

export const ApiKey = builder.objectRef<ApiKeyRow>("ApiKey").implement({
  description: "An org key. The key itself is only ever returned once, by CreatedKey.",
  fields: (t) => ({
    id: t.exposeID("id"),
    prefix: t.exposeString("prefix", { description: "The key's first characters, to tell keys apart." }),
    createdAt: t.expose("created_at", { type: "DateTime" }),
    lastUsedAt: t.expose("last_used_at", { type: "DateTime", nullable: true }),
    revokedAt: t.expose("revoked_at", { type: "DateTime", nullable: true }),
    scope: t.expose("scope", { type: KeyScope }),
    name: t.exposeString("name", { nullable: true, description: "What people call the key (a team, an app); null until named." }),
  }),
});

export const Org = builder.objectRef<OrgRow>("Org").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    createdAt: t.expose("created_at", { type: "DateTime" }),
    timeZone: t.string({ description: "The IANA time zone the org counts its months in (monthSpend); UTC until set.", resolve: (o) => o.time_zone ?? "UTC" }),
    keys: t.loadableGroup({
      type: ApiKey,
      description: "Oldest first, revoked ones included.",
      // batched across orgs: one query however many orgs are listed
      load: (orgIds: string[], ctx) => keysOfOrgs(ctx.deps.db, orgIds),
      group: (key) => key.org_id,
      resolve: (org) => org.id,
    }),
  }),
});

builder.queryField("orgs", (t) =>
  t.field({
    type: [Org],
    description: "Every org, oldest first. Admin only.",
    authScopes: { platformAdmin: true },
    resolve: (_root, _args, ctx) => listOrgs(ctx.deps.db),
  }),
);

builder.queryField("org", (t) =>
  t.field({
    type: Org,
    description: "The org of the X-Lectr-Key, with its keys; with the admin token, the org orgId names.",
    args: { orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => (await ctx.loaders.org.load(await orgScope(ctx, args.orgId)))!,
  }),
);

builder.mutationField("createOrg", (t) =>
  t.field({
    type: CreatedKey,
    description: "Creates an org and its first key. Admin only.",
    args: { name: t.arg.string({ required: true }) },
    authScopes: { platformAdmin: true },
    resolve: async (_root, args, ctx) => {
      try {
        return await createOrg(ctx.deps.db, args.name);
      } catch (err) {
        if (err instanceof OrgError) throw badInput(err.message);
        throw err;
      }
    },
  }),
);

builder.mutationField("createKey", (t) =>
  t.field({
    type: CreatedKey,
    description: "Adds a key to an org. Admin only. Give apps a PROXY key and dashboards a READ key; the default, ADMIN, is what every key could do before scopes existed.",
    args: {
      orgId: t.arg.id({ required: true }),
      scope: t.arg({ type: KeyScope, defaultValue: "admin" }),
      name: t.arg.string({ description: "What people will call it (a team, an app), up to 64 characters." }),
    },
    authScopes: { platformAdmin: true },
    resolve: async (_root, args, ctx) => {
      const org = await ctx.loaders.org.load(args.orgId);
      if (!org) throw badInput(`No org with id ${args.orgId}.`);
      const name = args.name == null ? null : checkedName(args.name);
      const { key, keyRow } = await createKey(ctx.deps.db, org.id, { scope: args.scope ?? "admin", name });
      return { org, key, keyRow };
    },
  }),
);

builder.mutationField("revokeKey", (t) =>
  t.field({
    type: ApiKey,
    description: "Revokes a key at once in this process (other replicas within 5 s). The admin may revoke any key, an org key only its own org's. Revoking a revoked key changes nothing.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const p = ctx.principal;
      const key = await findKey(ctx.deps.db, args.id);
      // an org key learns nothing about other orgs' keys: unknown and foreign ids answer alike
      if (p.kind === "org" && key?.org_id !== p.orgId) throw forbidden("An org key can only revoke its own org's keys.");
      if (!key) throw badInput(`No key with id ${args.id}.`);
      const revoked = await revokeKey(ctx.deps.db, key.id);
      ctx.deps.auth.invalidate();
      return revoked;
    },
  }),
);

function checkedName(name: string): string {
  const problem = keyNameProblem(name);
  if (problem) throw badInput(problem);
  return name.trim();
}

builder.mutationField("renameKey", (t) =>
  t.field({
    type: ApiKey,
    description: "Names a key (null clears the name). The admin may name any key, an org key only its own org's.",
    args: { id: t.arg.id({ required: true }), name: t.arg.string({ description: "Up to 64 characters; null clears it." }) },
    resolve: async (_root, args, ctx) => {
      const p = ctx.principal;
      const key = await findKey(ctx.deps.db, args.id);
      // as revokeKey: unknown and foreign ids answer alike
      if (p.kind === "org" && key?.org_id !== p.orgId) throw forbidden("An org key can only name its own org's keys.");
      if (!key) throw badInput(`No key with id ${args.id}.`);
      const name = args.name == null ? null : checkedName(args.name);
      return (await renameKey(ctx.deps.db, key.id, name))!;
    },
  }),
);

builder.mutationField("setOrgTimeZone", (t) =>
  t.field({
    type: Org,
    description: "Sets the IANA time zone the org counts its months in (monthSpend, the overview); null goes back to UTC.",
    args: { timeZone: t.arg.string({ description: "e.g. Europe/Paris; null: UTC." }), orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      const orgId = await orgScope(ctx, args.orgId);
      if (args.timeZone != null && !isTimeZone(args.timeZone)) throw badInput(`"${args.timeZone.slice(0, 64)}" is not an IANA time zone (e.g. Europe/Paris).`);
      return (await setOrgTimeZone(ctx.deps.db, orgId, args.timeZone ?? null))!;
    },
  }),
);
