CREATE TYPE "public"."alarm_state" AS ENUM('active', 'acknowledged', 'cleared');--> statement-breakpoint
CREATE TABLE "alarm_occurrences" (
	"alarm_id" uuid NOT NULL,
	"bucket" timestamp (3) with time zone NOT NULL,
	"raises" integer DEFAULT 0 NOT NULL,
	"clears" integer DEFAULT 0 NOT NULL,
	"max_severity" "severity",
	CONSTRAINT "alarm_occurrences_alarm_id_bucket_pk" PRIMARY KEY("alarm_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "alarms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"asset_id" uuid NOT NULL,
	"device_id" uuid,
	"fault_code" text NOT NULL,
	"fault_code_id" uuid,
	"is_unknown_code" boolean DEFAULT false NOT NULL,
	"state" "alarm_state" DEFAULT 'active' NOT NULL,
	"severity" "severity" NOT NULL,
	"message" text,
	"count" integer DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp (3) with time zone NOT NULL,
	"last_seen_at" timestamp (3) with time zone NOT NULL,
	"state_changed_at" timestamp (3) with time zone NOT NULL,
	"cleared_at" timestamp (3) with time zone,
	"acknowledged_at" timestamp (3) with time zone,
	"acknowledged_by" uuid,
	"is_flapping" boolean DEFAULT false NOT NULL,
	"flap_count" integer DEFAULT 0 NOT NULL,
	"request_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "service_orders" ADD COLUMN "alarm_id" uuid;--> statement-breakpoint
ALTER TABLE "service_orders" ADD COLUMN "order_rule_id" uuid;--> statement-breakpoint
ALTER TABLE "alarm_occurrences" ADD CONSTRAINT "alarm_occurrences_alarm_id_alarms_id_fk" FOREIGN KEY ("alarm_id") REFERENCES "public"."alarms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_fault_code_id_fault_codes_id_fk" FOREIGN KEY ("fault_code_id") REFERENCES "public"."fault_codes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_acknowledged_by_users_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_request_id_service_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."service_requests"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alarm_occurrences_bucket_idx" ON "alarm_occurrences" USING btree ("bucket");--> statement-breakpoint
CREATE UNIQUE INDEX "alarms_open_key" ON "alarms" USING btree ("asset_id","fault_code") WHERE "alarms"."state" <> 'cleared';--> statement-breakpoint
CREATE INDEX "alarms_asset_code_idx" ON "alarms" USING btree ("asset_id","fault_code","state_changed_at");--> statement-breakpoint
CREATE INDEX "alarms_state_idx" ON "alarms" USING btree ("state","last_seen_at");--> statement-breakpoint
CREATE INDEX "alarms_request_idx" ON "alarms" USING btree ("request_id");--> statement-breakpoint
ALTER TABLE "service_orders" ADD CONSTRAINT "service_orders_alarm_id_alarms_id_fk" FOREIGN KEY ("alarm_id") REFERENCES "public"."alarms"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_orders" ADD CONSTRAINT "service_orders_order_rule_id_order_rules_id_fk" FOREIGN KEY ("order_rule_id") REFERENCES "public"."order_rules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "service_orders_alarm_key" ON "service_orders" USING btree ("alarm_id") WHERE "service_orders"."alarm_id" is not null;