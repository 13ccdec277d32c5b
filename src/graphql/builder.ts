/** The schema builder. It defines no types: each type has its own file under types/. */
import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import type { GraphqlContext } from "./context.ts";

export const builder = new SchemaBuilder<{
  Context: GraphqlContext;
  DefaultFieldNullability: false;
  Scalars: {
    /** Epoch milliseconds inside Lectr; an ISO 8601 string on the wire. */
    DateTime: { Input: number; Output: number };
    ID: { Input: string; Output: string };
  };
}>({
  defaultFieldNullability: false,
  plugins: [ComplexityPlugin],
  // Fields carry their cost (`complexity`); limits.ts measures a whole batch with it before anything runs, so the per-resolver check is off.
  complexity: { disabled: true },
});
