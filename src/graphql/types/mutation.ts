import { builder } from "../builder.ts";

builder.mutationType({});
