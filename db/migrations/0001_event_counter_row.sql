-- The one row the event log numbers itself from (see db/schema/platform.ts).
INSERT INTO "event_counter" ("id", "last_seq") VALUES (1, 0) ON CONFLICT DO NOTHING;
