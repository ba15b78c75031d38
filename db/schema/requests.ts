import { sql } from 'drizzle-orm';
import {
  bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import type { FieldDefinition } from '../../hub/contracts/model.js';
import {
  channelEnum, priorityEnum, requestStatusEnum, requestTypeEnum, timelineKindEnum, warrantyVerdictEnum,
} from './enums.js';
import { assets, contacts, contracts, customers } from './install-base.js';
import { teams, users } from './people.js';

const id = () => uuid().primaryKey().defaultRandom();

export const requestCategories = pgTable('request_categories', {
  id: id(),
  key: text().notNull(),
  name: text().notNull(),
  defaultType: requestTypeEnum().notNull().default('request'),
  fields: jsonb().$type<FieldDefinition[]>().notNull().default(sql`'[]'::jsonb`),
  isActive: boolean().notNull().default(true),
  version: integer().notNull().default(1),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [uniqueIndex('request_categories_key_key').on(t.key)]);

export const serviceRequests = pgTable('service_requests', {
  id: id(),
  /** shown as SR-000123 */
  number: integer().notNull().generatedByDefaultAsIdentity(),
  type: requestTypeEnum().notNull(),
  categoryId: uuid().references(() => requestCategories.id, { onDelete: 'set null' }),
  channel: channelEnum().notNull(),
  priority: priorityEnum().notNull(),
  status: requestStatusEnum().notNull().default('new'),
  subject: text().notNull(),
  description: text().notNull().default(''),
  customerId: uuid().references(() => customers.id, { onDelete: 'restrict' }),
  contactId: uuid().references(() => contacts.id, { onDelete: 'set null' }),
  assetId: uuid().references(() => assets.id, { onDelete: 'set null' }),
  contractId: uuid().references(() => contracts.id, { onDelete: 'set null' }),
  warranty: warrantyVerdictEnum().notNull().default('unknown'),
  teamId: uuid().references(() => teams.id, { onDelete: 'set null' }),
  assigneeId: uuid().references(() => users.id, { onDelete: 'set null' }),
  customFields: jsonb().$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  /** optimistic locking: every update states the version it read */
  version: integer().notNull().default(1),
  responseDueAt: timestamp({ withTimezone: true, precision: 3 }),
  resolutionDueAt: timestamp({ withTimezone: true, precision: 3 }),
  firstRespondedAt: timestamp({ withTimezone: true, precision: 3 }),
  /** SLA clocks stop while waiting for the customer or suspended: since when, and the business time paused so far */
  slaPausedAt: timestamp({ withTimezone: true, precision: 3 }),
  slaPausedMs: bigint({ mode: 'number' }).notNull().default(0),
  /** which SLA warnings and breaches happened: { "response.warned": iso, "resolution.breached": iso, … } */
  slaMarks: jsonb().$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
  resolvedAt: timestamp({ withTimezone: true, precision: 3 }),
  closedAt: timestamp({ withTimezone: true, precision: 3 }),
  closeReason: text(),
  mergedIntoId: uuid().references((): AnyPgColumn => serviceRequests.id, { onDelete: 'set null' }),
  /** a request split off another one keeps a link to it */
  splitFromId: uuid().references((): AnyPgColumn => serviceRequests.id, { onDelete: 'set null' }),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('service_requests_number_key').on(t.number),
  index('service_requests_team_status_idx').on(t.teamId, t.status),
  index('service_requests_created_idx').on(t.createdAt, t.id),
  // The queue board: one team's requests, newest first, paged by (created_at, id).
  index('service_requests_team_created_idx').on(t.teamId, t.createdAt, t.id),
  index('service_requests_customer_idx').on(t.customerId),
  index('service_requests_contact_idx').on(t.contactId),
  // Reports: a unit's requests in a time window (early-life failures, complaints after a visit).
  index('service_requests_asset_created_idx').on(t.assetId, t.createdAt),
  // Dedup looks up the newest open request of an asset.
  index('service_requests_open_asset_idx').on(t.assetId, t.createdAt)
    .where(sql`${t.status} not in ('resolved', 'closed', 'closed_unresolved')`),
]);

export const timelineEntries = pgTable('timeline_entries', {
  id: id(),
  /** insertion order: breaks ties between entries of one transaction (same created_at) */
  seq: bigint({ mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
  requestId: uuid().notNull().references(() => serviceRequests.id, { onDelete: 'cascade' }),
  kind: timelineKindEnum().notNull(),
  /** user | api_key | device | customer | system */
  actorType: text().notNull(),
  actorId: text(),
  body: text().notNull().default(''),
  data: jsonb().$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  /** internal notes are never shown to customers */
  isInternal: boolean().notNull().default(false),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [index('timeline_entries_request_idx').on(t.requestId, t.createdAt, t.seq)]);

/**
 * One row per source message (MQTT message id, Message-ID, idempotency key): the unique index
 * makes a redelivery change nothing, even when two hubs receive it at once.
 */
export const intakeReceipts = pgTable('intake_receipts', {
  id: id(),
  channel: channelEnum().notNull(),
  sourceKey: text().notNull(),
  requestId: uuid().references(() => serviceRequests.id, { onDelete: 'set null' }),
  outcome: text().notNull(),
  receivedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [uniqueIndex('intake_receipts_source_key').on(t.channel, t.sourceKey)]);
