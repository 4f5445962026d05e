CREATE TABLE "audit_log" (
	"id" integer PRIMARY KEY,
	"eventName" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bookings" (
	"id" integer PRIMARY KEY,
	"guest_id" integer NOT NULL,
	"room_number" integer NOT NULL,
	"confirmation_code" text UNIQUE,
	CONSTRAINT "bookings_room_number_guest_id_unique" UNIQUE("room_number","guest_id")
);
--> statement-breakpoint
CREATE TABLE "guests" (
	"id" integer PRIMARY KEY,
	"full_name" text NOT NULL,
	"created_at" timestamp(3) DEFAULT now()
);
--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_guest_id_guests_id_fkey" FOREIGN KEY ("guest_id") REFERENCES "guests"("id");