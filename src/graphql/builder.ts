/** The schema builder. It defines no types: each type has its own file under types/. */
import SchemaBuilder from "@pothos/core";
import type { GraphqlContext } from "./context.ts";

export const builder = new SchemaBuilder<{
  Context: GraphqlContext;
  DefaultFieldNullability: false;
  Scalars: {
    /** Epoch milliseconds inside Lectr; an ISO 8601 string on the wire. */
    DateTime: { Input: number; Output: number };
    ID: { Input: string; Output: string };
  };
}>({ defaultFieldNullability: false });
