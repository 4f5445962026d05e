import { pgTable, serial, integer, text, index } from "drizzle-orm/pg-core";
import { timestamps } from "@shared/columns";
import { ticketStatus } from "./enums.js";

export const customers = pgTable("customers", {
  id: serial("id").primaryKey(),
  name: text("name").notNull(),
  ...timestamps,
});

export const tickets = pgTable("tickets", {
  id: serial("id").primaryKey(),
  customerId: integer("customer_id").notNull().references(() => customers.id, { onDelete: "cascade" }),
  title: text("title").notNull(),
  status: ticketStatus("status").default("open").notNull(),
  ...timestamps,
}, (t) => [index("tickets_customer_status_idx").on(t.customerId, t.status)]);
