import { builder } from "../builder.ts";
import type { ApiKeyRow } from "../../db/tables.ts";
import { KeyScope } from "./key-scope.ts";

export const ApiKey = builder.objectRef<ApiKeyRow>("ApiKey").implement({
  description: "An org key. The key itself is only ever returned once, by CreatedKey.",
  fields: (t) => ({
    id: t.exposeID("id"),
    prefix: t.exposeString("prefix", { description: "The key's first characters, to tell keys apart." }),
    createdAt: t.expose("created_at", { type: "DateTime" }),
    lastUsedAt: t.expose("last_used_at", { type: "DateTime", nullable: true }),
    revokedAt: t.expose("revoked_at", { type: "DateTime", nullable: true }),
    scope: t.expose("scope", { type: KeyScope }),
  }),
});
