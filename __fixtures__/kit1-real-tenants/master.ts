import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const tenants = pgTable('tenants', { id: integer().primaryKey(), slug: text().notNull().unique() })
