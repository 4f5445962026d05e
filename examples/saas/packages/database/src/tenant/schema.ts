import { pgTable, pgEnum, serial, integer, text, numeric, jsonb, timestamp, date, index, unique } from "drizzle-orm/pg-core";

export const invoiceStatus = pgEnum("invoice_status", ["draft", "sent", "paid", "void"]);

export const clients = pgTable("clients", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email"),
  settings: jsonb("settings").default({}).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),
});

export const projects = pgTable("projects", {
  id: serial("id").primaryKey(),
  clientId: integer("client_id").notNull().references(() => clients.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
}, (t) => [unique("projects_client_name_unique").on(t.clientId, t.name)]);

export const invoices = pgTable("invoices", {
  id: serial("id").primaryKey(),
  projectId: integer("project_id").notNull().references(() => projects.id),
  number: text("number").notNull().unique(),
  status: invoiceStatus("status").default("draft").notNull(),
  amount: numeric("amount", { precision: 12, scale: 2 }).notNull(),
  dueOn: date("due_on"),
  paidAt: timestamp("paid_at", { withTimezone: true }),
}, (t) => [index("invoices_project_idx").on(t.projectId), index("invoices_status_due_idx").on(t.status, t.dueOn)]);
