import { builder } from "../builder.ts";

builder.queryType({
  description: "Org-scoped fields answer for the org of the X-Lectr-Key; with the admin token, pass orgId.",
  // every query needs a key with the read or admin scope (or the admin token)
  authScopes: { orgRead: true },
});
