import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { orderKindEnum, orderStatusEnum, priorityEnum, severityEnum } from './enums.js';
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
  version: integer().notNull().default(1),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('service_orders_number_key').on(t.number),
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
