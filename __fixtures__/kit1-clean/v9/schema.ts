import { sql } from 'drizzle-orm'
import {
  bigint, boolean, char, check, date, doublePrecision, foreignKey, index, integer, jsonb, numeric, pgEnum, pgPolicy,
  pgSchema, pgSequence, pgTable, pgView, primaryKey, real, serial, smallint, text, timestamp, unique, uniqueIndex, uuid, varchar
} from 'drizzle-orm/pg-core'

export const role = pgEnum('role', ['admin', 'member', 'guest'])
export const app = pgSchema('app')
export const status = app.enum('status', ['open', 'closed'])
export const counter = pgSequence('counter', { startWith: 10, increment: 2 })

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: varchar('name', { length: 255 }).default('anonymous'),
  role: role('role').default('member').notNull(),
  active: boolean('active').default(false).notNull(),
  meta: jsonb('meta').default({}).notNull(),
  settings: jsonb('settings').default({ theme: 'dark', size: 2 }),
  tags: text('tags').array().default(sql`'{}'::text[]`).notNull(),
  labels: text('labels').array().default(['a', 'b']),
  lucky: integer('lucky').array().default([1, 2]),
  balance: numeric('balance', { precision: 10, scale: 2 }).default('0'),
  rate: numeric('rate').default('1.5'),
  createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
  updatedAt: timestamp('updated_at').default(sql`CURRENT_TIMESTAMP`),
  score: doublePrecision('score'),
  born: date('born'),
  code: char('code', { length: 3 }),
  small: smallint('small').default(1),
  ratio: real('ratio'),
  nickname: text('nickname')
}, (t) => [
  index('users_name_idx').on(t.name),
  uniqueIndex('users_lower_email_idx').on(sql`lower(${t.email})`),
  index('users_active_idx').on(t.createdAt).where(sql`${t.active} = true`),
  index('users_score_idx').on(t.score.desc()),
  index('users_nickname_idx').on(t.nickname),
  check('users_balance_check', sql`${t.balance} >= 0`)
])

export const posts = pgTable('posts', {
  id: uuid('id').defaultRandom().primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  slug: text('slug').notNull(),
  big: bigint('big', { mode: 'number' }).generatedAlwaysAsIdentity(),
  views: integer('views').default(0).notNull(),
  doubled: integer('doubled').generatedAlwaysAs(sql`views * 2`)
}, (t) => [
  unique().on(t.userId, t.slug),
  unique().on(t.title),
  unique('posts_slug_uq').on(t.slug),
  index().on(t.userId, t.title)
])

export const memberships = pgTable('memberships', {
  userId: integer('user_id').notNull().references(() => users.id),
  postId: uuid('post_id').notNull(),
  note: text('note')
}, (t) => [
  primaryKey({ columns: [t.userId, t.postId] }),
  foreignKey({ columns: [t.postId], foreignColumns: [posts.id] }).onDelete('set null'),
  pgPolicy('memberships_read', { for: 'select', to: 'public', using: sql`true` })
])

export const tickets = app.table('tickets', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity({ startWith: 100 }),
  status: status('status').default('open').notNull(),
  ownerId: integer('owner_id').references(() => users.id),
  averyveryveryverylongcolumnnamethatgoesonandonandon: text('averyveryveryverylongcolumnnamethatgoesonandonandon').unique()
})

export const longNames = pgTable('a_really_long_table_name_that_is_more_than_fifty_eight_chars_x', {
  id: integer('id').primaryKey(),
  code: text('code').unique(),
  parentId: integer('parent_id').references(() => users.id)
})

export const activeUsers = pgView('active_users', { id: integer('id') }).as(sql`select id from users where active`)
