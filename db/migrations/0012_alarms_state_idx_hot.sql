-- A repeat writes an alarm's count, last-seen time and version, and nothing else that is indexed,
-- so PostgreSQL can update the row in place (a HOT update: no new entry in any of the five
-- indexes). alarms_state_idx was on (state, last_seen_at): every repeat made a new entry in every
-- index (in the alarm bench, 181 of 35,113 updates were HOT). No query used it for last_seen_at;
-- it now serves the alarm list (GET /api/alarms?state=…, ordered by created_at, id). fillfactor
-- leaves room on each page for the new row versions (HOT needs the same page).
DROP INDEX "alarms_state_idx";--> statement-breakpoint
CREATE INDEX "alarms_state_idx" ON "alarms" USING btree ("state","created_at","id");--> statement-breakpoint
ALTER TABLE "alarms" SET (fillfactor = 80);
