import { sql } from 'drizzle-orm'
import { check, integer, pgTable, text, unique } from 'drizzle-orm/pg-core'
export const authors = pgTable('authors', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  name: text().notNull()
})
export const books = pgTable(
  'books',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    authorId: integer()
      .notNull()
      .references(() => authors.id),
    isbn: text().notNull(),
    pages: integer().default(1).notNull()
  },
  (t) => [unique('books_isbn_key').on(t.isbn), check('books_pages_positive', sql`${t.pages} > 0`)]
)
