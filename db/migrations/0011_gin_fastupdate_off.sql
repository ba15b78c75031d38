-- Written by hand in place of drizzle-kit's drop-and-create (same end state, see the snapshot):
-- no rebuild of the search indexes, and search keeps working while it runs. Turning fastupdate
-- off does not merge entries already pending, so each index's pending list is merged here.
ALTER INDEX "search_documents_tsv_idx" SET (fastupdate = false);--> statement-breakpoint
ALTER INDEX "search_documents_title_tsv_idx" SET (fastupdate = false);--> statement-breakpoint
ALTER INDEX "search_documents_jump_idx" SET (fastupdate = false);--> statement-breakpoint
ALTER INDEX "search_terms_trgm_idx" SET (fastupdate = false);--> statement-breakpoint
SELECT gin_clean_pending_list('search_documents_tsv_idx'::regclass), gin_clean_pending_list('search_documents_title_tsv_idx'::regclass), gin_clean_pending_list('search_documents_jump_idx'::regclass), gin_clean_pending_list('search_terms_trgm_idx'::regclass);
