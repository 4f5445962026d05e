import { integer, pgEnum, pgTable, text, varchar } from 'drizzle-orm/pg-core'
export const status = pgEnum('status', ['draft', 'published'])
export const posts = pgTable('posts', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  title: varchar({ length: 200 }).notNull(),
  body: text(),
  status: status().default('draft').notNull()
})
