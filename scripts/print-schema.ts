/** `npm run schema`: writes the printed GraphQL schema to schema/schema.graphql (a test fails when it is stale). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { printedSchema } from "../src/graphql/print.ts";

const path = join(import.meta.dirname, "..", "schema", "schema.graphql");
writeFileSync(path, printedSchema());
console.log(`wrote ${path}`);
