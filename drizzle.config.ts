import { defineConfig } from "drizzle-kit";

// Migrations are generated offline (`npm run db:generate`) and committed; no database needed.
export default defineConfig({
  dialect: "mysql",
  schema: "./apps/db/schema/index.ts",
  out: "./apps/db/migrations",
});
