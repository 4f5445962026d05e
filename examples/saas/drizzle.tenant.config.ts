import { defineConfig } from "drizzle-kit";

// Every tenant database (tenant_1, tenant_2, …) has the same schema and runs the same migrations.
export default defineConfig({
  dialect: "postgresql",
  schema: "./packages/database/src/tenant/schema.ts",
  out: "./drizzle/migrations/tenant",
  dbCredentials: { url: process.env.TENANT_DATABASE_URL! },
});
