CREATE TYPE "public"."cost_category" AS ENUM('parts', 'labour', 'travel');--> statement-breakpoint
CREATE TYPE "public"."cost_phase" AS ENUM('planned', 'actual');--> statement-breakpoint
CREATE TYPE "public"."interval_unit" AS ENUM('day', 'week', 'month');--> statement-breakpoint
CREATE TYPE "public"."maintenance_anchor" AS ENUM('scheduled', 'completion');--> statement-breakpoint
CREATE TYPE "public"."requisition_status" AS ENUM('open', 'ordered', 'delivered', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."technician_status" AS ENUM('available', 'busy', 'off');--> statement-breakpoint
CREATE TABLE "cost_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"currency" text DEFAULT 'EUR' NOT NULL,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_cost_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"phase" "cost_phase" NOT NULL,
	"category" "cost_category" NOT NULL,
	"description" text NOT NULL,
	"part_number" text,
	"quantity" double precision NOT NULL,
	"unit_price_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"is_chargeable" boolean NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_feedback" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"technician_id" uuid,
	"work_done" text NOT NULL,
	"fault_code" text,
	"failed_component" text,
	"object_condition" text NOT NULL,
	"labour_hours" double precision DEFAULT 0 NOT NULL,
	"travel_km" double precision DEFAULT 0 NOT NULL,
	"photos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"submitted_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_sign_offs" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"signature_kind" text NOT NULL,
	"signature" text NOT NULL,
	"signed_at" timestamp (3) with time zone NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "parts_requisitions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"part_number" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"quantity" integer NOT NULL,
	"status" "requisition_status" DEFAULT 'open' NOT NULL,
	"requested_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "technician_profiles" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"home_latitude" double precision,
	"home_longitude" double precision,
	"shift" jsonb,
	"status" "technician_status" DEFAULT 'available' NOT NULL,
	"position_latitude" double precision,
	"position_longitude" double precision,
	"position_at" timestamp (3) with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "maintenance_plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"asset_id" uuid,
	"model_id" uuid,
	"interval_count" integer NOT NULL,
	"interval_unit" interval_unit NOT NULL,
	"anchor" "maintenance_anchor" DEFAULT 'scheduled' NOT NULL,
	"lead_time_days" integer DEFAULT 14 NOT NULL,
	"first_due_date" date NOT NULL,
	"priority" "priority" DEFAULT 'low' NOT NULL,
	"required_skill" text,
	"template_id" uuid,
	"is_active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "maintenance_plans_target_check" CHECK (("maintenance_plans"."asset_id" is null) <> ("maintenance_plans"."model_id" is null)),
	CONSTRAINT "maintenance_plans_interval_check" CHECK ("maintenance_plans"."interval_count" > 0 and "maintenance_plans"."lead_time_days" >= 0)
);
--> statement-breakpoint
CREATE TABLE "maintenance_schedules" (
	"plan_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"next_due_date" date,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "maintenance_schedules_plan_id_asset_id_pk" PRIMARY KEY("plan_id","asset_id")
);
--> statement-breakpoint
CREATE TABLE "maintenance_visits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"due_date" date NOT NULL,
	"order_id" uuid,
	"is_bundled" boolean DEFAULT false NOT NULL,
	"completed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "service_requests" ADD COLUMN "sla_paused_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "service_requests" ADD COLUMN "sla_paused_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "service_requests" ADD COLUMN "sla_marks" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "service_orders" ADD COLUMN "on_site_due_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "service_orders" ADD COLUMN "cause" text;--> statement-breakpoint
ALTER TABLE "service_orders" ADD COLUMN "scheduled_for" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "service_orders" ADD COLUMN "sequence" integer;--> statement-breakpoint
ALTER TABLE "service_orders" ADD COLUMN "completed_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "service_orders" ADD COLUMN "accepted_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "service_orders" ADD COLUMN "accepted_via" text;--> statement-breakpoint
ALTER TABLE "service_orders" ADD COLUMN "closed_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "service_orders" ADD COLUMN "close_reason" text;--> statement-breakpoint
ALTER TABLE "order_cost_lines" ADD CONSTRAINT "order_cost_lines_order_id_service_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."service_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_feedback" ADD CONSTRAINT "order_feedback_order_id_service_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."service_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_feedback" ADD CONSTRAINT "order_feedback_technician_id_users_id_fk" FOREIGN KEY ("technician_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_sign_offs" ADD CONSTRAINT "order_sign_offs_order_id_service_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."service_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_sign_offs" ADD CONSTRAINT "order_sign_offs_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parts_requisitions" ADD CONSTRAINT "parts_requisitions_order_id_service_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."service_orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parts_requisitions" ADD CONSTRAINT "parts_requisitions_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "technician_profiles" ADD CONSTRAINT "technician_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_plans" ADD CONSTRAINT "maintenance_plans_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_plans" ADD CONSTRAINT "maintenance_plans_model_id_product_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."product_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_plans" ADD CONSTRAINT "maintenance_plans_template_id_cost_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."cost_templates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_schedules" ADD CONSTRAINT "maintenance_schedules_plan_id_maintenance_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."maintenance_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_schedules" ADD CONSTRAINT "maintenance_schedules_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_visits" ADD CONSTRAINT "maintenance_visits_plan_id_maintenance_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."maintenance_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_visits" ADD CONSTRAINT "maintenance_visits_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_visits" ADD CONSTRAINT "maintenance_visits_order_id_service_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."service_orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cost_templates_name_key" ON "cost_templates" USING btree ("name");--> statement-breakpoint
CREATE INDEX "order_cost_lines_order_idx" ON "order_cost_lines" USING btree ("order_id","phase");--> statement-breakpoint
CREATE INDEX "parts_requisitions_order_idx" ON "parts_requisitions" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "parts_requisitions_status_idx" ON "parts_requisitions" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "maintenance_plans_asset_idx" ON "maintenance_plans" USING btree ("asset_id");--> statement-breakpoint
CREATE INDEX "maintenance_plans_model_idx" ON "maintenance_plans" USING btree ("model_id");--> statement-breakpoint
CREATE INDEX "maintenance_schedules_due_idx" ON "maintenance_schedules" USING btree ("next_due_date");--> statement-breakpoint
CREATE UNIQUE INDEX "maintenance_visits_plan_due_key" ON "maintenance_visits" USING btree ("plan_id","asset_id","due_date");--> statement-breakpoint
CREATE INDEX "maintenance_visits_order_idx" ON "maintenance_visits" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "service_orders_scheduled_idx" ON "service_orders" USING btree ("scheduled_for");