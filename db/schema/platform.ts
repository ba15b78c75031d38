import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';

/**
 * The event log's counter. A batch takes its numbers with UPDATE … RETURNING on this one row,
 * and the row lock is held until commit: the next batch waits, so numbers follow commit order
 * and "everything after N" never skips an event (a plain sequence would not guarantee that).
 */
export const eventCounter = pgTable('event_counter', {
  id: integer().primaryKey(),
  lastSeq: bigint({ mode: 'number' }).notNull(),
});

export const domainEvents = pgTable('domain_events', {
  seq: bigint({ mode: 'number' }).primaryKey(),
  id: uuid().notNull().defaultRandom(),
  type: text().notNull(),
  payload: jsonb().$type<Record<string, unknown>>().notNull(),
  /** socket rooms the event goes to (queue:<team>, request:<id>, …) */
  rooms: text().array().notNull().default(sql`'{}'::text[]`),
  committedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [index('domain_events_committed_idx').on(t.committedAt)]);

export const deadLetters = pgTable('dead_letters', {
  id: uuid().primaryKey().defaultRandom(),
  /** mqtt | email | web | phone | api | jobs */
  source: text().notNull(),
  reason: text().notNull(),
  detail: text(),
  /** the raw input, truncated */
  payload: text().notNull(),
  payloadBytes: integer().notNull(),
  meta: jsonb().$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  replayedAt: timestamp({ withTimezone: true, precision: 3 }),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [index('dead_letters_created_idx').on(t.createdAt)]);

export const auditLog = pgTable('audit_log', {
  id: bigserial({ mode: 'number' }).primaryKey(),
  at: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  actorType: text().notNull(),
  actorId: text(),
  action: text().notNull(),
  entity: text().notNull(),
  entityId: text(),
  changes: jsonb().$type<Record<string, unknown>>(),
  httpRequestId: text(),
}, (t) => [index('audit_log_entity_idx').on(t.entity, t.entityId), index('audit_log_at_idx').on(t.at)]);

/**
 * Durable deadlines. The job queue only holds a copy: at start every pending timer is enqueued
 * again (job id = key, so nothing doubles), and a lost Redis or a restart loses no deadline.
 */
export const timers = pgTable('timers', {
  id: uuid().primaryKey().defaultRandom(),
  key: text().notNull(),
  job: text().notNull(),
  payload: jsonb().$type<Record<string, unknown>>().notNull(),
  runAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  firedAt: timestamp({ withTimezone: true, precision: 3 }),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('timers_key_key').on(t.key),
  index('timers_pending_idx').on(t.runAt).where(sql`${t.firedAt} is null`),
]);
