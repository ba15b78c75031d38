import { doublePrecision, integer, jsonb, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { BusinessCalendar } from '../../hub/contracts/model.js';
import { technicianStatusEnum } from './enums.js';
import { users } from './people.js';

/**
 * What dispatch needs about a technician beyond the user row (skills and home region live on
 * users): home base, shift calendar, status and the last position their device reported.
 */
export const technicianProfiles = pgTable('technician_profiles', {
  userId: uuid().primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  homeLatitude: doublePrecision(),
  homeLongitude: doublePrecision(),
  /** null: the house standard (weekdays 08:00–17:00 UTC) */
  shift: jsonb().$type<BusinessCalendar>(),
  status: technicianStatusEnum().notNull().default('available'),
  positionLatitude: doublePrecision(),
  positionLongitude: doublePrecision(),
  positionAt: timestamp({ withTimezone: true, precision: 3 }),
  version: integer().notNull().default(1),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});
