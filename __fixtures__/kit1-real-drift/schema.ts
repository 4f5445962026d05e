import { integer, pgEnum, pgTable, text, varchar } from 'drizzle-orm/pg-core'
export const status = pgEnum('status', ['draft', 'published', 'archived'])
export const posts = pgTable('posts', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  title: varchar({ length: 200 }),
  body: varchar({ length: 5000 }),
  status: status().default('draft').notNull()
})
