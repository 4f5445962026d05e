CREATE SCHEMA "billing";
--> statement-breakpoint
CREATE TYPE "billing"."currency" AS ENUM('eur', 'usd', 'gbp');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('owner', 'admin', 'member');--> statement-breakpoint
CREATE SEQUENCE "public"."invoice_numbers" INCREMENT BY 1 MINVALUE 1000 MAXVALUE 9223372036854775807 START WITH 1000 CACHE 10;--> statement-breakpoint
CREATE TABLE "billing"."invoices" (
	"id" serial PRIMARY KEY NOT NULL,
	"number" integer DEFAULT nextval('invoice_numbers') NOT NULL,
	"organization_id" integer NOT NULL,
	"currency" "billing"."currency" DEFAULT 'eur' NOT NULL,
	"amount" numeric(12, 2) NOT NULL,
	"paid_at" timestamp with time zone,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"organization_id" bigint NOT NULL,
	"user_id" integer NOT NULL,
	"role" "role" DEFAULT 'member' NOT NULL,
	"invited_by" integer,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_organization_id_user_id_pk" PRIMARY KEY("organization_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"slug" varchar(64) NOT NULL,
	"name" text NOT NULL,
	"owner_id" integer,
	"seats" integer DEFAULT 5 NOT NULL,
	"price" numeric(10, 2) DEFAULT '9.90' NOT NULL,
	"trial_ends_on" date DEFAULT (CURRENT_DATE + 14),
	CONSTRAINT "organizations_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" serial PRIMARY KEY NOT NULL,
	"organization_id" bigint NOT NULL,
	"code" varchar(12) NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	CONSTRAINT "projects_org_code_unique" UNIQUE NULLS NOT DISTINCT("organization_id","code")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"public_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"email" varchar(320) NOT NULL,
	"display_name" varchar,
	"country_code" char(2) DEFAULT 'FR' NOT NULL,
	"role" "role" DEFAULT 'member' NOT NULL,
	"roles" "role"[] DEFAULT '{}'::role[] NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"login_count" smallint DEFAULT 0 NOT NULL,
	"balance_cents" bigint DEFAULT 0 NOT NULL,
	"score" real DEFAULT 0.5,
	"ratio" double precision,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"favorite_numbers" integer[],
	"profile" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"settings" jsonb DEFAULT '{"theme": "dark", "beta": false}'::jsonb NOT NULL,
	"legacy" json,
	"birthday" date,
	"wake_up_at" time,
	"session_timeout" interval DEFAULT '30 minutes',
	"last_ip" "inet",
	"network" "cidr",
	"device" "macaddr",
	"location" "point",
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp DEFAULT CURRENT_TIMESTAMP NOT NULL,
	"deleted_at" timestamp,
	"search_name" text GENERATED ALWAYS AS (lower(display_name)) STORED,
	CONSTRAINT "users_login_count_positive" CHECK ("users"."login_count" >= 0)
);
--> statement-breakpoint
ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_invited_by_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoices_unpaid_idx" ON "billing"."invoices" USING btree ("organization_id") WHERE "billing"."invoices"."paid_at" IS NULL;--> statement-breakpoint
CREATE INDEX "memberships_user_idx" ON "memberships" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_idx" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "users_created_at_index" ON "users" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "users_active_idx" ON "users" USING btree ("role","created_at") WHERE "users"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "users_tags_idx" ON "users" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "users_profile_idx" ON "users" USING gin ("profile" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "users_public_id_hash_idx" ON "users" USING hash ("public_id");