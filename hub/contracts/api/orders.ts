import { z } from '@hono/zod-openapi';
import { OrderSummary, RequisitionSummary } from '../domain-events.js';
import { CostCategory, CostPhase, OrderKind, OrderStatus, Priority, RequisitionStatus } from '../model.js';

// extend() makes a fresh schema: zod 4 adds .openapi() to instances made after @hono/zod-openapi loads.
export const OrderView = OrderSummary.extend({}).openapi('Order');

export const OrderListQuery = z.object({
  status: OrderStatus.optional(), kind: OrderKind.optional(), priority: Priority.optional(),
  technician: z.uuid().optional(), requestId: z.uuid().optional(),
});

const text = (max: number) => z.string().trim().min(1).max(max);
const version = z.number().int().positive().describe('the version you read; 409 when it is stale');
const currency = z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. EUR');
const cents = z.number().int().min(0).max(1_000_000_000).describe('minor units (cents)');

export const OrderCreate = z.object({
  requestId: z.uuid(),
  kind: OrderKind.default('corrective'),
  priority: Priority.optional().describe('default: the request\'s priority'),
  requiredSkill: z.string().trim().min(1).max(60).nullish(),
  description: z.string().trim().max(5000).default(''),
  dueAt: z.iso.datetime().optional().describe('default: the contract\'s resolution time in the team calendar'),
  templateId: z.uuid().optional().describe('a cost template for the estimate'),
}).openapi('OrderCreate');

export const OrderUpdate = z.object({
  version,
  description: z.string().trim().max(5000).optional(),
  cause: z.string().trim().max(5000).nullable().optional(),
  priority: Priority.optional(),
  requiredSkill: z.string().trim().min(1).max(60).nullable().optional(),
  dueAt: z.iso.datetime().nullable().optional(),
}).openapi('OrderUpdate');

export const OrderTransition = z.object({
  to: OrderStatus, version, reason: z.string().trim().min(1).max(2000).optional(),
}).openapi('OrderTransition');

export const OrderDetail = OrderView.extend({
  cause: z.string().nullable(), completedAt: z.string().nullable(), acceptedVia: z.string().nullable(),
  closedAt: z.string().nullable(), closeReason: z.string().nullable(),
  allowedTransitions: z.array(OrderStatus).describe('what the caller may move the order to now'),
}).openapi('OrderDetail');

export const CostLineInput = z.object({
  category: CostCategory,
  description: text(300),
  partNumber: z.string().trim().min(1).max(80).nullish(),
  quantity: z.number().positive().max(100_000),
  unitPriceCents: cents,
});
export const CostTemplateCreate = z.object({
  name: text(120), currency: currency.default('EUR'), lines: z.array(CostLineInput).min(1).max(200),
}).openapi('CostTemplateCreate');
export const CostTemplateUpdate = z.object({
  name: text(120), currency, lines: z.array(CostLineInput).min(1).max(200), version,
}).partial().openapi('CostTemplateUpdate');
export const CostTemplateView = z.object({
  id: z.uuid(), name: z.string(), currency: z.string(), lines: z.array(CostLineInput), version: z.number().int(),
  createdAt: z.string(), updatedAt: z.string(),
}).openapi('CostTemplate');

export const EstimateBody = z.object({
  templateId: z.uuid().optional(),
  lines: z.array(CostLineInput).max(200).optional().describe('added after the template\'s lines'),
  currency: currency.optional(),
}).refine((b) => b.templateId || b.lines?.length, { message: 'give a templateId or lines', path: ['lines'] }).openapi('Estimate');

export const CostLineView = CostLineInput.extend({
  id: z.uuid(), phase: CostPhase, currency: z.string(), isChargeable: z.boolean(), amountCents: z.number().int(),
}).openapi('CostLine');
const CategoryTotals = z.object({
  plannedCents: z.number().int(), actualCents: z.number().int(), chargeableCents: z.number().int(), coveredCents: z.number().int(),
});
export const OrderCosts = z.object({
  orderId: z.uuid(), currency: z.string(), coverage: z.string().describe('why lines are covered or chargeable'),
  categories: z.object({ parts: CategoryTotals, labour: CategoryTotals, travel: CategoryTotals }),
  totals: CategoryTotals.extend({ marginCents: z.number().int().describe('planned − actual: positive when the work came in under the estimate') }),
  lines: z.array(CostLineView),
}).openapi('OrderCosts');

const dataUrl = (types: string, maxBytes: number) => z.string()
  .regex(new RegExp(`^data:(${types});base64,[A-Za-z0-9+/]+=*$`), `a base64 data URL of ${types.replace(/\|/g, ', ')}`)
  .max(Math.ceil(maxBytes / 3) * 4 + 40, `at most ${Math.round(maxBytes / 1024)} KiB`);
export const PHOTO_MAX_BYTES = 600 * 1024;
export const SIGNATURE_MAX_BYTES = 100 * 1024;

export const FeedbackBody = z.object({
  workDone: text(5000),
  faultCode: z.string().trim().min(1).max(40).optional().describe('confirmed; must exist in the fault-code table'),
  failedComponent: z.string().trim().min(1).max(200).optional(),
  objectCondition: text(2000),
  labour: z.object({ hours: z.number().min(0).max(200), unitPriceCents: cents.optional().describe('default: the estimate\'s labour rate') }),
  travel: z.object({ quantity: z.number().min(0).max(10_000), unitPriceCents: cents.optional() }).optional(),
  partsUsed: z.array(z.object({
    partNumber: text(80), description: text(300), quantity: z.number().positive().max(10_000), unitPriceCents: cents,
  })).max(100).default([]),
  missingParts: z.array(z.object({
    partNumber: text(80), description: z.string().trim().max(300).default(''), quantity: z.number().int().positive().max(10_000),
  })).max(50).default([]),
  photos: z.array(z.object({ dataUrl: dataUrl('image/jpeg|image/png|image/webp', PHOTO_MAX_BYTES) })).max(5).default([]),
}).openapi('Feedback');

export const FeedbackView = z.object({
  orderId: z.uuid(), technicianId: z.uuid().nullable(), workDone: z.string(), faultCode: z.string().nullable(),
  failedComponent: z.string().nullable(), objectCondition: z.string(), labourHours: z.number(), travelKm: z.number(),
  photos: z.array(z.object({ id: z.uuid(), contentType: z.string(), bytes: z.number().int(), url: z.string() })),
  requisitionIds: z.array(z.uuid()), submittedAt: z.string(),
}).openapi('FeedbackResult');

export const SignOffBody = z.object({
  name: text(200),
  signature: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('typed'), text: text(200) }),
    z.object({ kind: z.literal('drawn'), dataUrl: dataUrl('image/png', SIGNATURE_MAX_BYTES) }),
  ]),
  signedAt: z.iso.datetime(),
}).openapi('SignOff');

export const RequisitionView = RequisitionSummary.extend({ updatedAt: z.string() }).openapi('PartsRequisition');
export const RequisitionListQuery = z.object({ status: RequisitionStatus.optional(), orderId: z.uuid().optional() });
export const RequisitionUpdate = z.object({ status: RequisitionStatus, version }).openapi('PartsRequisitionUpdate');
