CREATE SCHEMA "billing";
--> statement-breakpoint
CREATE TYPE "mood" AS ENUM('sad', 'ok', 'happy');--> statement-breakpoint
CREATE TYPE "billing"."plan" AS ENUM('free', 'pro');--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "accounts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"big" bigint DEFAULT 0 NOT NULL,
	"small" smallint DEFAULT 1,
	"name" varchar(120) NOT NULL,
	"code" char(3) DEFAULT 'abc',
	"active" boolean DEFAULT true NOT NULL,
	"price" numeric(10,2) DEFAULT '9.99',
	"ratio" real DEFAULT 0.5,
	"score" double precision,
	"meta" jsonb DEFAULT '{}' NOT NULL,
	"raw" json,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"matrix" integer[],
	"external" uuid DEFAULT gen_random_uuid() NOT NULL,
	"createdAt" timestamp(3) with time zone DEFAULT now() NOT NULL,
	"updatedAt" timestamp(6),
	"day" date DEFAULT CURRENT_DATE,
	"at" time(0),
	"span" interval,
	"ip" inet,
	"net" cidr,
	"mac" macaddr,
	CONSTRAINT "accounts_price_positive" CHECK ("price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "members" (
	"accountId" integer,
	"email" text UNIQUE,
	"role" text DEFAULT 'member' NOT NULL,
	CONSTRAINT "members_pkey" PRIMARY KEY("accountId","email"),
	CONSTRAINT "members_role_accountId_unique" UNIQUE("role","accountId")
);
--> statement-breakpoint
ALTER TABLE "members" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "billing"."subscriptions" (
	"accountId" integer,
	"seq" serial,
	"plan" "billing"."plan" DEFAULT 'free'::"billing"."plan" NOT NULL,
	"counter" bigserial,
	CONSTRAINT "subscriptions_pkey" PRIMARY KEY("accountId","seq")
);
--> statement-breakpoint
CREATE INDEX "accounts_name_partial_idx" ON "accounts" ("name") WHERE "active" = true;--> statement-breakpoint
CREATE INDEX "accounts_lower_name_idx" ON "accounts" (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_external_index" ON "accounts" ("external");--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_accountId_accounts_id_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id");--> statement-breakpoint
ALTER TABLE "billing"."subscriptions" ADD CONSTRAINT "subscriptions_accountId_accounts_id_fkey" FOREIGN KEY ("accountId") REFERENCES "accounts"("id") ON DELETE CASCADE;--> statement-breakpoint
CREATE VIEW "active_accounts" AS (select "id", "name" from "accounts" where "accounts"."active" = true);--> statement-breakpoint
CREATE POLICY "members_read" ON "members" AS PERMISSIVE FOR SELECT TO public USING (true);