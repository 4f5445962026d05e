import { integer, numeric, serial, timestamp, text, index } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { billing, currency } from "./enums";
import { organizations } from "./core";

export const invoices = billing.table("invoices", {
  id: serial().primaryKey(),
  number: integer().default(sql`nextval('invoice_numbers')`).notNull(),
  organizationId: integer().notNull().references(() => organizations.id),
  currency: currency().default("eur").notNull(),
  amount: numeric({ precision: 12, scale: 2 }).notNull(),
  paidAt: timestamp({ withTimezone: true }),
  note: text(),
  dueOn: timestamp({ withTimezone: true }).default(sql`now() + interval '30 days'`),
}, (t) => [
  index("invoices_unpaid_idx").on(t.organizationId).where(sql`${t.paidAt} IS NULL`),
  index("invoices_due_idx").using("brin", t.dueOn),
]);
