import { builder } from "../builder.ts";

// every mutation needs a key with the admin scope (or the admin token)
builder.mutationType({ authScopes: { orgChange: true } });
