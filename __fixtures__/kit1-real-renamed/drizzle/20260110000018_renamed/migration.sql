ALTER TABLE "teams" RENAME TO "groups";--> statement-breakpoint
ALTER TABLE "members" RENAME COLUMN "email" TO "contactEmail";