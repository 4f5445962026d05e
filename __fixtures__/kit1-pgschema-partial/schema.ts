import { sql } from 'drizzle-orm'
import { boolean, index, integer, pgSchema } from 'drizzle-orm/pg-core'
export const app = pgSchema('app')
export const items = app.table('items', { id: integer('id').primaryKey(), done: boolean('done').notNull() },
  (t) => [index('items_open_idx').on(t.id).where(sql`${t.done} = false`)])
