import { builder } from "../builder.ts";
import { orgScope } from "../scope.ts";
import { Settings } from "../types/settings.ts";
import { settingsOf } from "../settings.ts";

builder.queryField("settings", (t) =>
  t.field({
    type: Settings,
    args: { orgId: t.arg.id() },
    resolve: async (_root, args, ctx) => settingsOf(ctx, await orgScope(ctx, args.orgId)),
  }),
);
