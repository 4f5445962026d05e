import { defineConfig } from "drizzle-kit";

// Run from apps/api (package.json script): schema and out are relative to that folder.
if (!process.env.DATABASE_URL && process.env.CI === "strict") throw new Error("DATABASE_URL is not set");

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: "./drizzle",
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://localhost/api" },
  migrations: { table: "schema_migrations", schema: "public" },
});
