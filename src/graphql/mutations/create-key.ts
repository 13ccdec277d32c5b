import { builder } from "../builder.ts";
import { badInput } from "../errors.ts";
import { CreatedKey } from "../types/created-key.ts";
import { KeyScope } from "../types/key-scope.ts";
import { createKey } from "../../db/orgs.ts";

builder.mutationField("createKey", (t) =>
  t.field({
    type: CreatedKey,
    description: "Adds a key to an org. Admin only. Give apps a PROXY key and dashboards a READ key; the default, ADMIN, is what every key could do before scopes existed.",
    args: {
      orgId: t.arg.id({ required: true }),
      scope: t.arg({ type: KeyScope, defaultValue: "admin" }),
    },
    authScopes: { platformAdmin: true },
    resolve: async (_root, args, ctx) => {
      const org = await ctx.loaders.org.load(args.orgId);
      if (!org) throw badInput(`No org with id ${args.orgId}.`);
      const { key, keyRow } = await createKey(ctx.deps.db, org.id, { scope: args.scope ?? "admin" });
      return { org, key, keyRow };
    },
  }),
);
