import { builder } from "../builder.ts";
import type { ApiKeyRow, OrgRow } from "../../db/tables.ts";
import { ApiKey } from "./api-key.ts";
import { Org } from "./org.ts";

export const CreatedKey = builder.objectRef<{ org: OrgRow; key: string; keyRow: ApiKeyRow }>("CreatedKey").implement({
  description: "A new org key: the only place a key is ever returned. Store it now.",
  fields: (t) => ({
    org: t.expose("org", { type: Org }),
    key: t.exposeString("key"),
    apiKey: t.expose("keyRow", { type: ApiKey, description: "The new key's record (its id revokes it)." }),
  }),
});
