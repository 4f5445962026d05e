-- Hand-written data migration (drizzle-kit generate --custom): no schema change.
UPDATE "tickets" SET "title" = trim("title") WHERE "title" <> trim("title");
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM "tickets" WHERE "title" = '') THEN
    RAISE NOTICE 'empty titles remain';
  END IF;
END $$;
