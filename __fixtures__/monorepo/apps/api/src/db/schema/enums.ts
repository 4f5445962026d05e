import { pgEnum } from "drizzle-orm/pg-core";

export const ticketStatus = pgEnum("ticket_status", ["open", "pending", "closed"]);
