import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'
export const organizations = pgTable('organizations', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  name: text().notNull(),
  stripeCustomerId: text(),
  stripeSubscriptionId: text(),
  stripePriceId: text(),
  stripeStatus: text(),
  stripeCurrentPeriodEnd: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).defaultNow().notNull()
})
