import { builder } from "../builder.ts";
import type { OrgRow } from "../../db/tables.ts";
import { ApiKey } from "./api-key.ts";

export const Org = builder.objectRef<OrgRow>("Org").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    createdAt: t.expose("created_at", { type: "DateTime" }),
    keys: t.field({
      type: [ApiKey],
      description: "Oldest first, revoked ones included.",
      // batched across orgs: one query however many orgs are listed
      resolve: async (org, _args, ctx) => (await ctx.loaders.keysOfOrg.load(org.id)) ?? [],
    }),
  }),
});
