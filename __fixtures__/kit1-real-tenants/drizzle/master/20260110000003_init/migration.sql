CREATE TABLE "tenants" (
	"id" integer PRIMARY KEY,
	"slug" text NOT NULL UNIQUE
);
