CREATE TYPE "public"."call_direction" AS ENUM('in', 'out');--> statement-breakpoint
CREATE TYPE "public"."call_state" AS ENUM('ringing', 'answered', 'ended');--> statement-breakpoint
CREATE TABLE "calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"integration_id" uuid NOT NULL,
	"call_id" text NOT NULL,
	"direction" "call_direction" NOT NULL,
	"from_number" text NOT NULL,
	"to_number" text NOT NULL,
	"state" "call_state" DEFAULT 'ringing' NOT NULL,
	"cause" text,
	"agent_id" uuid,
	"contact_id" uuid,
	"customer_id" uuid,
	"request_id" uuid,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"answered_at" timestamp (3) with time zone,
	"ended_at" timestamp (3) with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cti_integrations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" uuid,
	"last_used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "service_requests" ADD COLUMN "split_from_id" uuid;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_integration_id_cti_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."cti_integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_request_id_service_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."service_requests"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cti_integrations" ADD CONSTRAINT "cti_integrations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calls_integration_call_key" ON "calls" USING btree ("integration_id","call_id");--> statement-breakpoint
CREATE INDEX "calls_started_idx" ON "calls" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "calls_request_idx" ON "calls" USING btree ("request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cti_integrations_token_hash_key" ON "cti_integrations" USING btree ("token_hash");--> statement-breakpoint
ALTER TABLE "service_requests" ADD CONSTRAINT "service_requests_split_from_id_service_requests_id_fk" FOREIGN KEY ("split_from_id") REFERENCES "public"."service_requests"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "service_requests_team_created_idx" ON "service_requests" USING btree ("team_id","created_at","id");