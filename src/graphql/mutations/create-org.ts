import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { CreatedKey } from "../types/created-key.ts";
import { createOrg, OrgError } from "../../db/orgs.ts";

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
