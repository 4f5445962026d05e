import {
  pgTable, pgSequence, serial, bigserial, smallint, integer, bigint, boolean, text, varchar, char, numeric, real,
  doublePrecision, date, time, timestamp, interval, uuid, json, jsonb, inet, cidr, macaddr, point,
  primaryKey, unique, index, uniqueIndex, check, foreignKey,
} from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { role } from "./enums";

export const invoiceNumbers = pgSequence("invoice_numbers", { startWith: 1000, increment: 1, minValue: 1000, cache: 10 });

export const users = pgTable("users", {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  publicId: uuid().defaultRandom().notNull(),
  email: varchar({ length: 320 }).notNull(),
  displayName: varchar(),
  countryCode: char({ length: 2 }).default("FR").notNull(),
  role: role().default("member").notNull(),
  roles: role().array().default(sql`'{}'::role[]`).notNull(),
  isActive: boolean().default(true).notNull(),
  loginCount: smallint().default(0).notNull(),
  balanceCents: bigint({ mode: "number" }).default(0).notNull(),
  score: real().default(0.5),
  ratio: doublePrecision(),
  tags: text().array().default(sql`'{}'::text[]`).notNull(),
  favoriteNumbers: integer().array(),
  profile: jsonb().default({}).notNull(),
  settings: jsonb().default(sql`'{"theme": "dark", "beta": false}'::jsonb`).notNull(),
  legacy: json(),
  birthday: date(),
  wakeUpAt: time(),
  sessionTimeout: interval().default("30 minutes"),
  lastIp: inet(),
  network: cidr(),
  device: macaddr(),
  location: point({ mode: "xy" }),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).defaultNow().notNull(),
  updatedAt: timestamp({ mode: "string" }).default(sql`CURRENT_TIMESTAMP`).notNull(),
  deletedAt: timestamp(),
  searchName: text().generatedAlwaysAs(sql`lower(display_name)`),
}, (t) => [
  uniqueIndex("users_email_lower_idx").on(sql`lower(${t.email})`),
  index().on(t.createdAt.desc().nullsLast()),
  index("users_active_idx").on(t.role, t.createdAt).where(sql`${t.deletedAt} IS NULL`),
  index("users_tags_idx").using("gin", t.tags),
  index("users_profile_idx").using("gin", t.profile.op("jsonb_path_ops")),
  index("users_public_id_hash_idx").using("hash", t.publicId),
  check("users_login_count_positive", sql`${t.loginCount} >= 0`),
]);

export const organizations = pgTable("organizations", {
  id: bigserial({ mode: "number" }).primaryKey(),
  slug: varchar({ length: 64 }).notNull().unique(),
  name: text().notNull(),
  ownerId: integer().references(() => users.id, { onDelete: "set null", onUpdate: "cascade" }),
  seats: integer().default(5).notNull(),
  price: numeric({ precision: 10, scale: 2 }).default("9.90").notNull(),
  trialEndsOn: date({ mode: "date" }).default(sql`(CURRENT_DATE + 14)`),
  accountNumber: integer().generatedByDefaultAsIdentity({ startWith: 1000 }),
  metadata: jsonb().default(sql`'{}'::jsonb`).notNull(),
});

export const memberships = pgTable("memberships", {
  organizationId: bigint({ mode: "number" }).notNull().references(() => organizations.id, { onDelete: "cascade" }),
  userId: integer().notNull().references(() => users.id, { onDelete: "cascade" }),
  role: role().default("member").notNull(),
  invitedBy: integer(),
  joinedAt: timestamp({ withTimezone: true }).defaultNow().notNull(),
}, (t) => [
  primaryKey({ columns: [t.organizationId, t.userId] }),
  foreignKey({ columns: [t.invitedBy], foreignColumns: [users.id], name: "memberships_invited_by_fk" }).onDelete("no action"),
  index("memberships_user_idx").on(t.userId),
  index("memberships_org_joined_idx").on(t.organizationId, t.joinedAt.desc()),
]);

export const projects = pgTable("projects", {
  id: serial().primaryKey(),
  organizationId: bigint({ mode: "number" }).notNull(),
  code: varchar({ length: 12 }).notNull(),
  archived: boolean().default(false).notNull(),
}, (t) => [
  unique("projects_org_code_unique").on(t.organizationId, t.code).nullsNotDistinct(),
  foreignKey({ columns: [t.organizationId], foreignColumns: [organizations.id] }).onDelete("cascade"),
]);
