import { sql } from 'drizzle-orm';
import {
  boolean, date, doublePrecision, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, integer,
} from 'drizzle-orm/pg-core';
import type { SlaTable } from '../../hub/contracts/model.js';
import { coverageEnum, severityEnum } from './enums.js';

const id = () => uuid().primaryKey().defaultRandom();
const createdAt = () => timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow();
const updatedAt = () => timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow();
/** optimistic locking: a PATCH may state the version it read */
const version = () => integer().notNull().default(1);

export const customers = pgTable('customers', {
  id: id(),
  name: text().notNull(),
  /** ISO 3166-1 alpha-2 */
  country: text().notNull(),
  region: text(),
  email: text(),
  phone: text(),
  externalRef: text(),
  notes: text(),
  version: version(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex('customers_external_ref_key').on(t.externalRef),
  index('customers_name_idx').on(t.name),
]);

export const contacts = pgTable('contacts', {
  id: id(),
  /** null until an agent links the sender to a customer */
  customerId: uuid().references(() => customers.id, { onDelete: 'restrict' }),
  name: text().notNull(),
  email: text(),
  /** digits with a leading + (E.164-like), so a caller id matches however it was typed */
  phone: text(),
  language: text(),
  version: version(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  // One contact per address: identification by email must be unambiguous (Chatwoot's lesson).
  uniqueIndex('contacts_email_key').on(sql`lower(${t.email})`),
  index('contacts_phone_idx').on(t.phone),
  index('contacts_customer_idx').on(t.customerId),
]);

export const sites = pgTable('sites', {
  id: id(),
  customerId: uuid().notNull().references(() => customers.id, { onDelete: 'restrict' }),
  name: text().notNull(),
  address: text().notNull(),
  city: text().notNull(),
  postalCode: text(),
  country: text().notNull(),
  region: text(),
  latitude: doublePrecision(),
  longitude: doublePrecision(),
  version: version(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('sites_customer_idx').on(t.customerId)]);

export const productModels = pgTable('product_models', {
  id: id(),
  code: text().notNull(),
  name: text().notNull(),
  productLine: text().notNull(),
  manufacturer: text(),
  warrantyMonths: integer().notNull().default(24),
  version: version(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('product_models_code_key').on(t.code)]);

export const contracts = pgTable('contracts', {
  id: id(),
  number: text().notNull(),
  customerId: uuid().notNull().references(() => customers.id, { onDelete: 'restrict' }),
  name: text().notNull(),
  coverage: coverageEnum().notNull(),
  validFrom: date({ mode: 'string' }).notNull(),
  validUntil: date({ mode: 'string' }).notNull(),
  sla: jsonb().$type<SlaTable>().notNull(),
  version: version(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex('contracts_number_key').on(t.number),
  index('contracts_customer_idx').on(t.customerId),
]);

export const assets = pgTable('assets', {
  id: id(),
  serialNumber: text().notNull(),
  modelId: uuid().notNull().references(() => productModels.id, { onDelete: 'restrict' }),
  customerId: uuid().notNull().references(() => customers.id, { onDelete: 'restrict' }),
  siteId: uuid().references(() => sites.id, { onDelete: 'set null' }),
  contractId: uuid().references(() => contracts.id, { onDelete: 'set null' }),
  installedAt: date({ mode: 'string' }),
  warrantyUntil: date({ mode: 'string' }),
  isRetired: boolean().notNull().default(false),
  version: version(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  // Serial numbers are matched case-insensitively: a barcode scan and a typed serial agree.
  uniqueIndex('assets_serial_number_key').on(sql`upper(${t.serialNumber})`),
  index('assets_customer_idx').on(t.customerId),
  index('assets_site_idx').on(t.siteId),
]);

export const devices = pgTable('devices', {
  id: id(),
  assetId: uuid().notNull().references(() => assets.id, { onDelete: 'cascade' }),
  name: text(),
  tokenHash: text().notNull(),
  isOnline: boolean().notNull().default(false),
  lastSeenAt: timestamp({ withTimezone: true, precision: 3 }),
  rotatedAt: timestamp({ withTimezone: true, precision: 3 }),
  revokedAt: timestamp({ withTimezone: true, precision: 3 }),
  createdAt: createdAt(),
}, (t) => [index('devices_asset_idx').on(t.assetId)]);

export const faultCodes = pgTable('fault_codes', {
  id: id(),
  code: text().notNull(),
  description: text().notNull(),
  defaultSeverity: severityEnum().notNull(),
  requiredSkill: text(),
  component: text(),
  version: version(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex('fault_codes_code_key').on(t.code)]);
