import { defineConfig } from 'drizzle-kit'
export default defineConfig({
  dialect: 'postgresql',
  schema: './master.ts',
  out: './drizzle/master',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://localhost/unused' }
})
