CREATE SCHEMA "app";
--> statement-breakpoint
CREATE TABLE "app"."items" (
	"id" integer PRIMARY KEY,
	"done" boolean NOT NULL
);
--> statement-breakpoint
CREATE INDEX "items_open_idx" ON "app"."items" ("id") WHERE "done" = false;