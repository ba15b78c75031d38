import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { alarmStateEnum, severityEnum } from './enums.js';
import { assets, devices, faultCodes } from './install-base.js';
import { users } from './people.js';
import { serviceRequests } from './requests.js';

const ts = () => timestamp({ withTimezone: true, precision: 3 });

/**
 * One fault condition of one asset. Times named *_seen_at and state_changed_at are message
 * times (the device's `ts`, else when the hub received it), so state follows message time,
 * not arrival order.
 */
export const alarms = pgTable('alarms', {
  id: uuid().primaryKey().defaultRandom(),
  assetId: uuid().notNull().references(() => assets.id, { onDelete: 'cascade' }),
  deviceId: uuid().references(() => devices.id, { onDelete: 'set null' }),
  faultCode: text().notNull(),
  faultCodeId: uuid().references(() => faultCodes.id, { onDelete: 'set null' }),
  /** the code is not in the catalogue (new firmware): still an alarm, so nothing is lost */
  isUnknownCode: boolean().notNull().default(false),
  state: alarmStateEnum().notNull().default('active'),
  severity: severityEnum().notNull(),
  message: text(),
  /** raise messages recorded (the first one and every repeat) */
  count: integer().notNull().default(0),
  firstSeenAt: ts().notNull(),
  lastSeenAt: ts().notNull(),
  /** message time of the last raise or clear that decided the state */
  stateChangedAt: ts().notNull(),
  clearedAt: ts(),
  acknowledgedAt: ts(),
  acknowledgedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  isFlapping: boolean().notNull().default(false),
  flapCount: integer().notNull().default(0),
  /** null only while a clear arrived before any raise (out of order) */
  requestId: uuid().references(() => serviceRequests.id, { onDelete: 'set null' }),
  version: integer().notNull().default(1),
  createdAt: ts().notNull().defaultNow(),
  updatedAt: ts().notNull().defaultNow(),
}, (t) => [
  // The database, not the code, keeps one open alarm per (asset, fault code): racing hubs cannot make twins.
  uniqueIndex('alarms_open_key').on(t.assetId, t.faultCode).where(sql`${t.state} <> 'cleared'`),
  index('alarms_asset_code_idx').on(t.assetId, t.faultCode, t.stateChangedAt),
  index('alarms_state_idx').on(t.state, t.createdAt, t.id),
  index('alarms_request_idx').on(t.requestId),
]);

/**
 * Compact occurrence history: one row per alarm per minute, however many messages arrived in it,
 * so an alarm storm writes counters, not rows (and not timeline entries).
 */
export const alarmOccurrences = pgTable('alarm_occurrences', {
  alarmId: uuid().notNull().references(() => alarms.id, { onDelete: 'cascade' }),
  bucket: ts().notNull(),
  raises: integer().notNull().default(0),
  clears: integer().notNull().default(0),
  maxSeverity: severityEnum(),
}, (t) => [primaryKey({ columns: [t.alarmId, t.bucket] }), index('alarm_occurrences_bucket_idx').on(t.bucket)]);
