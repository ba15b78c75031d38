CREATE TABLE "search_documents" (
	"kind" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"tsv" "tsvector" NOT NULL,
	"title_tsv" "tsvector" NOT NULL,
	"jump_keys" text[] DEFAULT '{}'::text[] NOT NULL,
	"type" text,
	"channel" text,
	"status" text,
	"priority" text,
	"team_id" uuid,
	"customer_id" uuid,
	"request_id" uuid,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "search_documents_kind_entity_id_pk" PRIMARY KEY("kind","entity_id")
);
--> statement-breakpoint
CREATE INDEX "search_documents_tsv_idx" ON "search_documents" USING gin ("tsv");--> statement-breakpoint
CREATE INDEX "search_documents_title_tsv_idx" ON "search_documents" USING gin ("title_tsv");--> statement-breakpoint
CREATE INDEX "search_documents_jump_idx" ON "search_documents" USING gin ("jump_keys");--> statement-breakpoint
CREATE INDEX "search_documents_customer_idx" ON "search_documents" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "search_documents_created_idx" ON "search_documents" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "search_documents_kind_created_idx" ON "search_documents" USING btree ("kind","created_at");