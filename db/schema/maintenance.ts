import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, check } from 'drizzle-orm/pg-core';
import { intervalUnitEnum, maintenanceAnchorEnum, priorityEnum } from './enums.js';
import { assets, productModels } from './install-base.js';
import { costTemplates, serviceOrders } from './orders.js';

/** Time-based triggering (seed 000): a visit every N days/weeks/months for one asset or every asset of a model. */
export const maintenancePlans = pgTable('maintenance_plans', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  description: text().notNull().default(''),
  assetId: uuid().references(() => assets.id, { onDelete: 'cascade' }),
  modelId: uuid().references(() => productModels.id, { onDelete: 'cascade' }),
  intervalCount: integer().notNull(),
  intervalUnit: intervalUnitEnum().notNull(),
  anchor: maintenanceAnchorEnum().notNull().default('scheduled'),
  /** an order is created this many days before the due date */
  leadTimeDays: integer().notNull().default(14),
  /** the first due date (per asset, for a model plan) */
  firstDueDate: date({ mode: 'string' }).notNull(),
  priority: priorityEnum().notNull().default('low'),
  requiredSkill: text(),
  templateId: uuid().references(() => costTemplates.id, { onDelete: 'set null' }),
  isActive: boolean().notNull().default(true),
  version: integer().notNull().default(1),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [
  check('maintenance_plans_target_check', sql`(${t.assetId} is null) <> (${t.modelId} is null)`),
  check('maintenance_plans_interval_check', sql`${t.intervalCount} > 0 and ${t.leadTimeDays} >= 0`),
  index('maintenance_plans_asset_idx').on(t.assetId),
  index('maintenance_plans_model_idx').on(t.modelId),
]);

/** Where each (plan, asset) stands: the next due date, or null while a completion-anchored visit is open. */
export const maintenanceSchedules = pgTable('maintenance_schedules', {
  planId: uuid().notNull().references(() => maintenancePlans.id, { onDelete: 'cascade' }),
  assetId: uuid().notNull().references(() => assets.id, { onDelete: 'cascade' }),
  nextDueDate: date({ mode: 'string' }),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.planId, t.assetId] }), index('maintenance_schedules_due_idx').on(t.nextDueDate)]);

/**
 * One row per generated visit. The unique index is what makes two hubs generating at once
 * create one order: the second insert conflicts and that hub moves on.
 */
export const maintenanceVisits = pgTable('maintenance_visits', {
  id: uuid().primaryKey().defaultRandom(),
  planId: uuid().notNull().references(() => maintenancePlans.id, { onDelete: 'cascade' }),
  assetId: uuid().notNull().references(() => assets.id, { onDelete: 'cascade' }),
  dueDate: date({ mode: 'string' }).notNull(),
  orderId: uuid().references(() => serviceOrders.id, { onDelete: 'set null' }),
  /** true: added to an open corrective order of the asset instead of a visit of its own */
  isBundled: boolean().notNull().default(false),
  completedAt: timestamp({ withTimezone: true, precision: 3 }),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('maintenance_visits_plan_due_key').on(t.planId, t.assetId, t.dueDate),
  index('maintenance_visits_order_idx').on(t.orderId),
]);
