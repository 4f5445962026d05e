import { sql } from 'drizzle-orm'
import {
  bigint, bigserial, boolean, char, check, cidr, date, doublePrecision, foreignKey, index, inet, integer, interval,
  json, jsonb, macaddr, numeric, pgEnum, pgPolicy, pgSchema, pgTable, pgView, primaryKey, real, serial, smallint,
  text, time, timestamp, unique, uniqueIndex, uuid, varchar
} from 'drizzle-orm/pg-core'

export const mood = pgEnum('mood', ['sad', 'ok', 'happy'])
export const billing = pgSchema('billing')
export const plan = billing.enum('plan', ['free', 'pro'])

export const accounts = pgTable(
  'accounts',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    big: bigint({ mode: 'number' }).default(0).notNull(),
    small: smallint().default(1),
    name: varchar({ length: 120 }).notNull(),
    code: char({ length: 3 }).default('abc'),
    active: boolean().default(true).notNull(),
    price: numeric({ precision: 10, scale: 2 }).default('9.99'),
    ratio: real().default(0.5),
    score: doublePrecision(),
    meta: jsonb().default({}).notNull(),
    raw: json(),
    tags: text().array().default([]).notNull(),
    matrix: integer().array().array(),
    external: uuid().defaultRandom().notNull(),
    createdAt: timestamp({ precision: 3, withTimezone: true }).defaultNow().notNull(),
    updatedAt: timestamp({ mode: 'string', precision: 6 }),
    day: date().default(sql`CURRENT_DATE`),
    at: time({ precision: 0 }),
    span: interval(),
    ip: inet(),
    net: cidr(),
    mac: macaddr(),
    mood: mood().default('ok')
  },
  (t) => [
    index('accounts_name_partial_idx').on(t.name).where(sql`${t.active} = true`),
    index('accounts_lower_name_idx').on(sql`lower(${t.name})`),
    uniqueIndex().on(t.external),
    check('accounts_price_positive', sql`${t.price} >= 0`)
  ]
)

export const subscriptions = billing.table(
  'subscriptions',
  {
    accountId: integer()
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    seq: serial(),
    plan: plan().default('free').notNull(),
    counter: bigserial({ mode: 'number' })
  },
  (t) => [primaryKey({ columns: [t.accountId, t.seq] })]
)

export const members = pgTable.withRLS(
  'members',
  {
    accountId: integer().notNull(),
    email: text().notNull().unique(),
    role: text().default('member').notNull()
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.email] }),
    foreignKey({ columns: [t.accountId], foreignColumns: [accounts.id] }),
    unique().on(t.role, t.accountId),
    pgPolicy('members_read', { for: 'select', to: 'public', using: sql`true` })
  ]
)

export const activeAccounts = pgView('active_accounts').as((qb) =>
  qb.select({ id: accounts.id, name: accounts.name }).from(accounts).where(sql`${accounts.active} = true`)
)
