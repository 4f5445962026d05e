import { integer, pgTable, text } from 'drizzle-orm/pg-core'
export const groups = pgTable('groups', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  name: text().notNull().unique()
})
export const members = pgTable('members', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  teamId: integer()
    .notNull()
    .references(() => groups.id),
  contactEmail: text().notNull()
})
