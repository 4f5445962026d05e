import { defineConfig } from "drizzle-kit";

// The master database (rsm_master): organizations, users, and where each tenant's database lives.
export default defineConfig({
  dialect: "postgresql",
  schema: "./packages/database/src/master/schema.ts",
  out: "./drizzle/migrations/master",
  dbCredentials: { url: process.env.MASTER_DATABASE_URL! },
});
