-- pg_trgm ships with PostgreSQL's contrib (Debian's postgresql-15, the postgres image) and with
-- PGlite (loaded by createPglite in db/client.ts); it is a trusted extension, so the database
-- owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE TABLE "search_terms" (
	"term" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "search_terms_term_idx" ON "search_terms" USING btree ("term");--> statement-breakpoint
CREATE INDEX "search_terms_trgm_idx" ON "search_terms" USING gin ("term" gin_trgm_ops);--> statement-breakpoint
-- the vocabulary of the documents indexed before this migration; the indexer keeps it from now on
INSERT INTO "search_terms" ("term")
SELECT word FROM ts_stat('SELECT tsv FROM search_documents') WHERE word ~ '^[a-z]{4,32}$';
