// Schema sources shared by the tests.

export const BASE_SCHEMA = `import { pgTable, serial, text, integer, uniqueIndex, index, pgEnum, timestamp, check, unique } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const status = pgEnum("status", ["active", "paused", "closed"]);

export const accounts = pgTable("accounts", {
  id: serial("id").primaryKey(),
  email: text("email").notNull(),
  status: status("status").default("active").notNull(),
  credits: integer("credits").default(0).notNull(),
  createdAt: timestamp("created_at").defaultNow().notNull(),
}, (t) => [
  uniqueIndex("accounts_email_idx").on(t.email),
  check("credits_positive", sql\`\${t.credits} >= 0\`),
]);

export const projects = pgTable("projects", {
  id: serial("id").primaryKey(),
  accountId: integer("account_id").notNull().references(() => accounts.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
}, (t) => [
  index("projects_account_idx").on(t.accountId),
  unique("projects_account_name_unique").on(t.accountId, t.name),
]);
`

/** BASE_SCHEMA plus a column, a table and an enum declared after the last snapshot. */
export const BASE_SCHEMA_AHEAD =
  BASE_SCHEMA.replace(
    '  createdAt: timestamp("created_at").defaultNow().notNull(),\n}',
    '  createdAt: timestamp("created_at").defaultNow().notNull(),\n  plan: text("plan"),\n}'
  ) +
  `
export const tier = pgEnum("tier", ["a", "b"]);

export const invoices = pgTable("invoices", {
  id: serial("id").primaryKey(),
  total: integer("total").notNull(),
});
`

/** A schema using the less common objects: identity, generated, RLS and policies, views, sequences, a pgSchema. */
export const OBJECTS_SCHEMA = `import { pgTable, pgSchema, pgView, pgSequence, pgPolicy, serial, integer, text } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";

export const audit = pgSchema("audit");
export const ticketSeq = pgSequence("ticket_seq", { startWith: 100, increment: 1 });

export const accounts = pgTable("accounts", {
  id: serial("id").primaryKey(),
  email: text("email").notNull(),
  emailLower: text("email_lower").generatedAlwaysAs(sql\`lower(email)\`),
});

export const projects = pgTable("projects", {
  id: serial("id").primaryKey(),
  seq: integer("seq").generatedAlwaysAsIdentity(),
  ownerId: integer("owner_id").notNull(),
}, () => [
  pgPolicy("projects_read", { for: "select", to: "public", using: sql\`true\` }),
  pgPolicy("projects_owner", { for: "update", to: "public", using: sql\`owner_id > 0\` }),
]).enableRLS();

export const events = audit.table("events", {
  id: serial("id").primaryKey(),
  kind: text("kind").notNull(),
});

export const accountEmails = pgView("account_emails", { id: integer("id"), email: text("email") }).as(sql\`select id, email from accounts\`);
export const projectOwners = pgView("project_owners", { ownerId: integer("owner_id") }).as(sql\`select owner_id from projects\`);
`
