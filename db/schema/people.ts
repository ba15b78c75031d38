import {
  boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { BusinessCalendar } from '../../hub/contracts/model.js';
import { channelEnum, requestTypeEnum, roleEnum } from './enums.js';

const id = () => uuid().primaryKey().defaultRandom();
const createdAt = () => timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow();

export const teams = pgTable('teams', {
  id: id(),
  name: text().notNull(),
  region: text(),
  calendar: jsonb().$type<BusinessCalendar>().notNull(),
  /** where requests land when no routing rule matches; at most one team */
  isDefault: boolean().notNull().default(false),
  version: integer().notNull().default(1),
  createdAt: createdAt(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('teams_name_key').on(t.name),
  uniqueIndex('teams_single_default_key').on(t.isDefault).where(sql`${t.isDefault}`),
]);

/** Which channel / type / category / fault code / region lands in a team's queue; lowest position wins. */
export const routingRules = pgTable('routing_rules', {
  id: id(),
  teamId: uuid().notNull().references(() => teams.id, { onDelete: 'cascade' }),
  position: integer().notNull().default(100),
  channel: channelEnum(),
  type: requestTypeEnum(),
  categoryId: uuid(),
  faultCodePrefix: text(),
  region: text(),
  version: integer().notNull().default(1),
  createdAt: createdAt(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [index('routing_rules_team_idx').on(t.teamId)]);

export const users = pgTable('users', {
  id: id(),
  email: text().notNull(),
  name: text().notNull(),
  role: roleEnum().notNull(),
  passwordHash: text(),
  isActive: boolean().notNull().default(true),
  phone: text(),
  /** technicians: what they can repair; matched against fault codes' required skill */
  skills: text().array().notNull().default(sql`'{}'::text[]`),
  region: text(),
  /** customers: the organisation whose requests they see */
  customerId: uuid(),
  lastLoginAt: timestamp({ withTimezone: true, precision: 3 }),
  version: integer().notNull().default(1),
  createdAt: createdAt(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)]);

export const teamMembers = pgTable('team_members', {
  teamId: uuid().notNull().references(() => teams.id, { onDelete: 'cascade' }),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
}, (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_members_user_idx').on(t.userId)]);

export const sessions = pgTable('sessions', {
  id: id(),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  /** sha-256 of the token: a stolen database does not hand out sessions */
  tokenHash: text().notNull(),
  expiresAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)]);

export const apiKeys = pgTable('api_keys', {
  id: id(),
  name: text().notNull(),
  /** the first characters of the key, shown in lists so a key can be recognised */
  prefix: text().notNull(),
  tokenHash: text().notNull(),
  role: roleEnum().notNull(),
  createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  lastUsedAt: timestamp({ withTimezone: true, precision: 3 }),
  expiresAt: timestamp({ withTimezone: true, precision: 3 }),
  revokedAt: timestamp({ withTimezone: true, precision: 3 }),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('api_keys_token_hash_key').on(t.tokenHash)]);

/** Failed logins per key (an email, an address); survives restarts and is shared by all hubs. */
export const loginThrottle = pgTable('login_throttle', {
  key: text().primaryKey(),
  failures: integer().notNull().default(0),
  windowStartedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  lockedUntil: timestamp({ withTimezone: true, precision: 3 }),
});
