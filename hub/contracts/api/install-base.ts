import { z } from '@hono/zod-openapi';
import {
  BusinessCalendar, Channel, Coverage, FieldDefinition, OrderKind, Priority, RequestType, Severity, SlaTable,
} from '../model.js';

// HTTP bodies and views for provisioning. One schema per shape; routes, OpenAPI and tests use these.
const text = (max = 200) => z.string().trim().min(1).max(max);
// The regex alone lets 2025-02-30 through to PostgreSQL, which then fails without naming the field.
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(d)) && new Date(d).toISOString().startsWith(d), 'not a calendar date');
const country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, e.g. DE');

type Patch<S extends z.ZodRawShape> = z.ZodObject<{ [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer I> ? I : S[K]> }>;
/**
 * A PATCH body: every field optional and without its default. zod 4's `.partial()` keeps defaults,
 * so a PATCH that leaves out `isDefault` or `isRetired` would reset it to the default.
 */
function patchOf<S extends z.ZodRawShape>(create: z.ZodObject<S>): Patch<S> {
  const shape = Object.fromEntries(Object.entries(create.shape).map(([k, v]) => {
    // A shape's members are zod's core types; those of the z.object() calls below are classic ones with .optional().
    const field = (v instanceof z.ZodDefault ? v.unwrap() : v) as z.ZodType;
    return [k, field.optional()];
  }));
  return z.object(shape) as unknown as Patch<S>;
}

const stamps = { id: z.uuid(), version: z.number().int(), createdAt: z.string(), updatedAt: z.string() };

export const CustomerCreate = z.object({
  name: text(), country, region: text(100).nullish(), email: z.email().nullish(), phone: text(40).nullish(),
  externalRef: text(100).nullish(), notes: z.string().max(5000).nullish(),
}).openapi('CustomerCreate');
export const CustomerUpdate = patchOf(CustomerCreate).openapi('CustomerUpdate');
export const CustomerView = CustomerCreate.extend({
  ...stamps, region: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable(),
  externalRef: z.string().nullable(), notes: z.string().nullable(),
}).openapi('Customer');

export const ContactCreate = z.object({
  customerId: z.uuid().nullish(), name: text(), email: z.email().nullish(), phone: text(40).nullish(), language: text(10).nullish(),
}).openapi('ContactCreate');
export const ContactUpdate = patchOf(ContactCreate).openapi('ContactUpdate');
export const ContactView = ContactCreate.extend({
  ...stamps, customerId: z.uuid().nullable(), email: z.string().nullable(), phone: z.string().nullable(), language: z.string().nullable(),
}).openapi('Contact');

export const SiteCreate = z.object({
  customerId: z.uuid(), name: text(), address: text(300), city: text(), postalCode: text(20).nullish(), country,
  region: text(100).nullish(), latitude: z.number().min(-90).max(90).nullish(), longitude: z.number().min(-180).max(180).nullish(),
}).openapi('SiteCreate');
export const SiteUpdate = patchOf(SiteCreate).openapi('SiteUpdate');
export const SiteView = SiteCreate.extend({
  ...stamps, postalCode: z.string().nullable(), region: z.string().nullable(), latitude: z.number().nullable(), longitude: z.number().nullable(),
}).openapi('Site');

export const ProductModelCreate = z.object({
  code: text(60), name: text(), productLine: text(), manufacturer: text().nullish(), warrantyMonths: z.number().int().min(0).max(240).default(24),
}).openapi('ProductModelCreate');
export const ProductModelUpdate = patchOf(ProductModelCreate).openapi('ProductModelUpdate');
export const ProductModelView = ProductModelCreate.extend({ ...stamps, manufacturer: z.string().nullable() }).openapi('ProductModel');

const contractShape = z.object({
  number: text(60), customerId: z.uuid(), name: text(), coverage: Coverage, validFrom: isoDate, validUntil: isoDate, sla: SlaTable,
});
export const ContractCreate = contractShape
  .refine((c) => c.validFrom <= c.validUntil, { message: 'validUntil is before validFrom', path: ['validUntil'] })
  .openapi('ContractCreate');
export const ContractUpdate = contractShape.partial();
export const ContractView = contractShape.extend(stamps).openapi('Contract');

export const AssetCreate = z.object({
  serialNumber: text(100), modelId: z.uuid(), customerId: z.uuid(), siteId: z.uuid().nullish(), contractId: z.uuid().nullish(),
  installedAt: isoDate.nullish(), warrantyUntil: isoDate.nullish(), isRetired: z.boolean().default(false),
}).openapi('AssetCreate');
export const AssetUpdate = patchOf(AssetCreate).openapi('AssetUpdate');
export const AssetView = AssetCreate.extend({
  ...stamps, siteId: z.uuid().nullable(), contractId: z.uuid().nullable(), installedAt: z.string().nullable(), warrantyUntil: z.string().nullable(),
}).openapi('Asset');

export const FaultCodeCreate = z.object({
  code: text(60), description: text(500), defaultSeverity: Severity, requiredSkill: text(60).nullish(), component: text(100).nullish(),
}).openapi('FaultCodeCreate');
export const FaultCodeUpdate = patchOf(FaultCodeCreate).openapi('FaultCodeUpdate');
export const FaultCodeView = FaultCodeCreate.extend({ ...stamps, requiredSkill: z.string().nullable(), component: z.string().nullable() }).openapi('FaultCode');

export const CategoryCreate = z.object({
  key: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'lowercase letters, digits and -'), name: text(),
  defaultType: RequestType.default('request'), fields: z.array(FieldDefinition).max(40).default([]), isActive: z.boolean().default(true),
}).refine((c) => new Set(c.fields.map((f) => f.key)).size === c.fields.length, { message: 'field keys must be unique', path: ['fields'] })
  .openapi('CategoryCreate');
export const CategoryUpdate = z.object({
  name: text(), defaultType: RequestType, fields: z.array(FieldDefinition).max(40), isActive: z.boolean(),
}).partial();
export const CategoryView = z.object({
  ...stamps, key: z.string(), name: z.string(), defaultType: RequestType, fields: z.array(FieldDefinition), isActive: z.boolean(),
}).openapi('Category');

export const OrderRuleCreate = z.object({
  name: text(), faultCode: text(60), isPrefix: z.boolean().default(false), minSeverity: Severity.default('warning'),
  minOccurrences: z.number().int().min(1).max(10_000).default(1), windowMinutes: z.number().int().min(1).max(43_200).nullish(),
  orderKind: OrderKind.default('corrective'), priority: Priority.nullish(), isActive: z.boolean().default(true),
}).openapi('OrderRuleCreate');
export const OrderRuleUpdate = patchOf(OrderRuleCreate).openapi('OrderRuleUpdate');
export const OrderRuleView = OrderRuleCreate.extend({ ...stamps, windowMinutes: z.number().nullable(), priority: Priority.nullable() }).openapi('OrderRule');

export const TeamCreate = z.object({
  name: text(), region: text(100).nullish(), calendar: BusinessCalendar, isDefault: z.boolean().default(false),
}).openapi('TeamCreate');
export const TeamUpdate = patchOf(TeamCreate).openapi('TeamUpdate');
export const TeamView = TeamCreate.extend({ ...stamps, region: z.string().nullable() }).openapi('Team');

export const RoutingRuleCreate = z.object({
  teamId: z.uuid(), position: z.number().int().min(0).max(100_000).default(100), channel: Channel.nullish(), type: RequestType.nullish(),
  categoryId: z.uuid().nullish(), faultCodePrefix: text(60).nullish(), region: text(100).nullish(),
}).openapi('RoutingRuleCreate');
export const RoutingRuleUpdate = patchOf(RoutingRuleCreate).openapi('RoutingRuleUpdate');
export const RoutingRuleView = RoutingRuleCreate.extend({
  ...stamps, channel: Channel.nullable(), type: RequestType.nullable(), categoryId: z.uuid().nullable(),
  faultCodePrefix: z.string().nullable(), region: z.string().nullable(),
}).openapi('RoutingRule');
