import { sql } from 'drizzle-orm';
import { boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { alarms } from './alarms.js';
import {
  costCategoryEnum, costPhaseEnum, orderKindEnum, orderStatusEnum, priorityEnum, requisitionStatusEnum, severityEnum,
} from './enums.js';
import { serviceRequests } from './requests.js';
import { users } from './people.js';

export const serviceOrders = pgTable('service_orders', {
  id: uuid().primaryKey().defaultRandom(),
  /** shown as WO-000123 */
  number: integer().notNull().generatedByDefaultAsIdentity(),
  requestId: uuid().notNull().references(() => serviceRequests.id, { onDelete: 'restrict' }),
  kind: orderKindEnum().notNull(),
  status: orderStatusEnum().notNull().default('new'),
  priority: priorityEnum().notNull(),
  requiredSkill: text(),
  description: text().notNull().default(''),
  technicianId: uuid().references(() => users.id, { onDelete: 'set null' }),
  dueAt: timestamp({ withTimezone: true, precision: 3 }),
  /** SLA: the technician is to be on site by then (contract on-site time in the team calendar) */
  onSiteDueAt: timestamp({ withTimezone: true, precision: 3 }),
  /** clarification: the cause found */
  cause: text(),
  /** dispatch: when the visit is planned, and its place in the technician's day */
  scheduledFor: timestamp({ withTimezone: true, precision: 3 }),
  sequence: integer(),
  completedAt: timestamp({ withTimezone: true, precision: 3 }),
  /** the customer's acceptance: 'sign_off' (on site) or 'portal' */
  acceptedAt: timestamp({ withTimezone: true, precision: 3 }),
  acceptedVia: text(),
  closedAt: timestamp({ withTimezone: true, precision: 3 }),
  /** a close without acceptance (supervisor override) or a cancel states why */
  closeReason: text(),
  version: integer().notNull().default(1),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  /** condition-based: the alarm and the rule that opened this order */
  alarmId: uuid().references(() => alarms.id, { onDelete: 'set null' }),
  orderRuleId: uuid().references((): AnyPgColumn => orderRules.id, { onDelete: 'set null' }),
}, (t) => [
  uniqueIndex('service_orders_number_key').on(t.number),
  // exactly one order per alarm, even when two hubs evaluate the rules at once
  uniqueIndex('service_orders_alarm_key').on(t.alarmId).where(sql`${t.alarmId} is not null`),
  index('service_orders_scheduled_idx').on(t.scheduledFor),
  index('service_orders_request_idx').on(t.requestId),
  index('service_orders_technician_idx').on(t.technicianId, t.status),
]);

/** Condition-based triggering: which alarms create a service order by themselves. */
export const orderRules = pgTable('order_rules', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  faultCode: text().notNull(),
  isPrefix: boolean().notNull().default(false),
  minSeverity: severityEnum().notNull().default('warning'),
  /** optionally: only after this many occurrences within windowMinutes */
  minOccurrences: integer().notNull().default(1),
  windowMinutes: integer(),
  orderKind: orderKindEnum().notNull().default('corrective'),
  priority: priorityEnum(),
  isActive: boolean().notNull().default(true),
  version: integer().notNull().default(1),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/** One line of a cost estimate template or of an order's planned/actual costs. Money in minor units (cents). */
export interface CostTemplateLine {
  category: 'parts' | 'labour' | 'travel';
  description: string;
  partNumber?: string | null;
  quantity: number;
  unitPriceCents: number;
}

/** Reusable calculation templates (seed 001): named sets of parts, labour and travel lines. */
export const costTemplates = pgTable('cost_templates', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  currency: text().notNull().default('EUR'),
  lines: jsonb().$type<CostTemplateLine[]>().notNull().default(sql`'[]'::jsonb`),
  version: integer().notNull().default(1),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [uniqueIndex('cost_templates_name_key').on(t.name)]);

/** Planned (estimate) and actual (technical feedback) cost lines of an order. */
export const orderCostLines = pgTable('order_cost_lines', {
  id: uuid().primaryKey().defaultRandom(),
  orderId: uuid().notNull().references(() => serviceOrders.id, { onDelete: 'cascade' }),
  phase: costPhaseEnum().notNull(),
  category: costCategoryEnum().notNull(),
  description: text().notNull(),
  partNumber: text(),
  quantity: doublePrecision().notNull(),
  unitPriceCents: integer().notNull(),
  currency: text().notNull(),
  /** false when warranty or contract covers it */
  isChargeable: boolean().notNull(),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [index('order_cost_lines_order_idx').on(t.orderId, t.phase)]);

export interface FeedbackPhoto { id: string; contentType: string; bytes: number; path: string }

/** The technician's technical feedback (one per order; a resubmission replaces it). */
export const orderFeedback = pgTable('order_feedback', {
  orderId: uuid().primaryKey().references(() => serviceOrders.id, { onDelete: 'cascade' }),
  technicianId: uuid().references(() => users.id, { onDelete: 'set null' }),
  workDone: text().notNull(),
  faultCode: text(),
  failedComponent: text(),
  objectCondition: text().notNull(),
  labourHours: doublePrecision().notNull().default(0),
  travelKm: doublePrecision().notNull().default(0),
  photos: jsonb().$type<FeedbackPhoto[]>().notNull().default(sql`'[]'::jsonb`),
  submittedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/** The customer's on-site sign-off: a typed name or a drawn signature (PNG data URL). */
export const orderSignOffs = pgTable('order_sign_offs', {
  orderId: uuid().primaryKey().references(() => serviceOrders.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  signatureKind: text().notNull(),
  signature: text().notNull(),
  signedAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
  recordedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/** A part missing at the visit becomes a purchase request (seed 004). */
export const partsRequisitions = pgTable('parts_requisitions', {
  id: uuid().primaryKey().defaultRandom(),
  orderId: uuid().notNull().references(() => serviceOrders.id, { onDelete: 'restrict' }),
  partNumber: text().notNull(),
  description: text().notNull().default(''),
  quantity: integer().notNull(),
  status: requisitionStatusEnum().notNull().default('open'),
  requestedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  version: integer().notNull().default(1),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [index('parts_requisitions_order_idx').on(t.orderId), index('parts_requisitions_status_idx').on(t.status, t.createdAt)]);
