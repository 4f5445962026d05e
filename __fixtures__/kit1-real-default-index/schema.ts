import { index, integer, pgEnum, pgTable, text, varchar } from 'drizzle-orm/pg-core'
export const status = pgEnum('status', ['draft', 'published'])
export const posts = pgTable('posts', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  title: varchar({ length: 200 }).notNull(),
  body: text().default(''),
  status: status().default('published').notNull()
}, (t) => [index('posts_title_idx').on(t.title)])
