import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const members = pgTable('members', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  contactEmail: text().notNull().unique()
})
