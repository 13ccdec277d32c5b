import { builder } from "../builder.ts";
import type { OrgRow } from "../../db/tables.ts";
import { keysOfOrgs } from "../../db/orgs.ts";
import { ApiKey } from "./api-key.ts";

export const Org = builder.objectRef<OrgRow>("Org").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    createdAt: t.expose("created_at", { type: "DateTime" }),
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
