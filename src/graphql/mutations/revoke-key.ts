import { builder } from "../builder.ts";
import { badInput, forbidden } from "../errors.ts";
import { ApiKey } from "../types/api-key.ts";
import { findKey, revokeKey } from "../../db/orgs.ts";

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
