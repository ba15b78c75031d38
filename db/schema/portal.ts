import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './people.js';
import { serviceRequests } from './requests.js';

/**
 * Emailed portal sign-in links: one-time (used_at is set by the statement that consumes it) and
 * expiring. Only the token's sha-256 is stored.
 */
export const portalSignInTokens = pgTable('portal_sign_in_tokens', {
  id: uuid().primaryKey().defaultRandom(),
  userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text().notNull(),
  expiresAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  usedAt: timestamp({ withTimezone: true, precision: 3 }),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [uniqueIndex('portal_sign_in_tokens_hash_key').on(t.tokenHash), index('portal_sign_in_tokens_user_idx').on(t.userId)]);

/** The customer's satisfaction rating of a finished request: one per request, changeable. */
export const requestRatings = pgTable('request_ratings', {
  requestId: uuid().primaryKey().references(() => serviceRequests.id, { onDelete: 'cascade' }),
  score: integer().notNull(),
  comment: text().notNull().default(''),
  /** user id of a customer account, or the contact id when rated through the tracking link */
  ratedBy: text(),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});
