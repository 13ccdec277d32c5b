import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes a new forward-only SQL migration after a change to src/db/tables.ts.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/tables.ts",
  out: "./migrations",
});
