import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { contacts, customers } from './install-base.js';
import { users } from './people.js';
import { serviceRequests } from './requests.js';
import { CALL_DIRECTIONS, CALL_STATES } from '../../hub/contracts/model.js';

export const callDirectionEnum = pgEnum('call_direction', CALL_DIRECTIONS);
export const callStateEnum = pgEnum('call_state', CALL_STATES);

/** A PBX integration posting call events to /api/cti/:token (Zammad's generic CTI API). */
export const ctiIntegrations = pgTable('cti_integrations', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  /** the first characters of the token, shown in lists so an integration's URL can be recognised */
  prefix: text().notNull(),
  /** sha-256 of the token: the database never holds a usable one */
  tokenHash: text().notNull(),
  createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  lastUsedAt: timestamp({ withTimezone: true, precision: 3 }),
  revokedAt: timestamp({ withTimezone: true, precision: 3 }),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [uniqueIndex('cti_integrations_token_hash_key').on(t.tokenHash)]);

export const calls = pgTable('calls', {
  id: uuid().primaryKey().defaultRandom(),
  integrationId: uuid().notNull().references(() => ctiIntegrations.id, { onDelete: 'cascade' }),
  /** the PBX's call id; unique per integration, so a repeated webhook changes nothing twice */
  callId: text().notNull(),
  direction: callDirectionEnum().notNull(),
  /** normalised numbers (normalizePhone) */
  fromNumber: text().notNull(),
  toNumber: text().notNull(),
  state: callStateEnum().notNull().default('ringing'),
  /** hangup cause as the PBX sent it (normalClearing, busy, cancel, noAnswer, …) */
  cause: text(),
  agentId: uuid().references(() => users.id, { onDelete: 'set null' }),
  contactId: uuid().references(() => contacts.id, { onDelete: 'set null' }),
  customerId: uuid().references(() => customers.id, { onDelete: 'set null' }),
  requestId: uuid().references(() => serviceRequests.id, { onDelete: 'set null' }),
  startedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  answeredAt: timestamp({ withTimezone: true, precision: 3 }),
  endedAt: timestamp({ withTimezone: true, precision: 3 }),
  version: integer().notNull().default(1),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('calls_integration_call_key').on(t.integrationId, t.callId),
  index('calls_started_idx').on(t.startedAt, t.id),
  index('calls_request_idx').on(t.requestId),
]);
