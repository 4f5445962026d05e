import { integer, pgTable, snakeCase, text, timestamp, unique } from 'drizzle-orm/pg-core'

export const guests = snakeCase.table('guests', {
  id: integer().primaryKey(),
  fullName: text().notNull(),
  createdAt: timestamp({ precision: 3 }).defaultNow()
})

export const bookings = snakeCase.table(
  'bookings',
  {
    id: integer().primaryKey(),
    guestId: integer()
      .notNull()
      .references(() => guests.id),
    roomNumber: integer().notNull(),
    confirmationCode: text().unique()
  },
  (t) => [unique().on(t.roomNumber, t.guestId)]
)

// Declared without casing: 1.x keeps the keys as column names, whatever the config says.
export const auditLog = pgTable('audit_log', { id: integer().primaryKey(), eventName: text().notNull() })
