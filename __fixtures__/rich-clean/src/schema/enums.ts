import { pgEnum, pgSchema } from "drizzle-orm/pg-core";

export const role = pgEnum("role", ["owner", "admin", "member"]);
export const billing = pgSchema("billing");
export const currency = billing.enum("currency", ["eur", "usd", "gbp"]);
