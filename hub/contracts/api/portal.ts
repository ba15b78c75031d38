import { z } from '@hono/zod-openapi';
import { TimelineEntryView } from '../domain-events.js';
import { IntakeResult } from '../intake-event.js';
import { FieldDefinition, OrderStatus, RequestStatus, RequestType, WarrantyVerdict } from '../model.js';

/**
 * What the public web form posts (JSON, or the `data` part of a multipart body with files).
 * `website` is the honeypot: people never see it, form-filling robots do.
 */
export const PublicRequestBody = z.object({
  type: RequestType.exclude(['alarm']).default('request').describe('complaint files a customer complaint'),
  categoryId: z.uuid().optional(),
  subject: z.string().trim().min(1).max(300),
  description: z.string().max(20_000).default(''),
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  phone: z.string().trim().min(3).max(40).optional(),
  serialNumber: z.string().trim().min(1).max(100).optional(),
  customFields: z.record(z.string(), z.unknown()).default({}),
  website: z.string().max(2000).optional().describe('honeypot: leave empty'),
}).openapi('PublicRequest');
export type PublicRequestBody = z.infer<typeof PublicRequestBody>;

export const PublicRequestResult = z.object({
  result: IntakeResult,
  /** what to tell the customer, in plain words */
  message: z.string(),
  /** the tracking page of a request this submission opened (never of one it joined) */
  trackingUrl: z.string().nullable(),
}).openapi('PublicRequestResult');

export const PublicCategory = z.object({
  id: z.uuid(), key: z.string(), name: z.string(), defaultType: RequestType, fields: z.array(FieldDefinition),
}).openapi('PublicCategory');

export const SerialLookup = z.object({
  found: z.boolean(),
  serialNumber: z.string(),
  model: z.string().nullable(),
  warranty: WarrantyVerdict,
  warrantyUntil: z.string().nullable(),
}).openapi('SerialLookup');

/** A request as its customer sees it in the portal and on the tracking page (no internal notes). */
export const PortalRequest = z.object({
  id: z.uuid(), number: z.string(), type: RequestType, status: RequestStatus, subject: z.string(), description: z.string(),
  channel: z.string(), warranty: WarrantyVerdict, assetId: z.uuid().nullable(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('PortalRequest');
export const PortalOrder = z.object({
  id: z.uuid(), number: z.string(), requestId: z.uuid(), kind: z.string(), status: OrderStatus, description: z.string(),
  completedAt: z.string().nullable(), acceptedVia: z.string().nullable(), version: z.number().int(),
  /** accept / reject: what the customer may do now */
  canDecide: z.boolean(),
}).openapi('PortalOrder');
export const PortalRequestDetail = PortalRequest.extend({
  timeline: z.array(TimelineEntryView),
  orders: z.array(PortalOrder),
  rating: z.object({ score: z.number().int(), comment: z.string() }).nullable(),
}).openapi('PortalRequestDetail');

export const PortalListQuery = z.object({
  status: z.enum(['open', 'done']).or(RequestStatus).optional(),
  type: RequestType.optional(),
  from: z.iso.date().optional().describe('created on or after this day (UTC)'),
  to: z.iso.date().optional().describe('created on or before this day (UTC)'),
  q: z.string().max(200).optional(),
});

export const RemarkCreate = z.object({ body: z.string().trim().min(1).max(20_000) }).openapi('RemarkCreate');
export const ComplaintCreate = z.object({
  subject: z.string().trim().min(1).max(300), description: z.string().max(20_000).default(''),
  assetId: z.uuid().optional(), requestId: z.uuid().optional().describe('the request the complaint is about'),
}).openapi('ComplaintCreate');
export const OrderDecision = z.object({
  version: z.number().int().positive(),
  reason: z.string().trim().min(1).max(2000).optional().describe('required to reject'),
}).openapi('OrderDecision');
export const RatingCreate = z.object({ score: z.number().int().min(1).max(5), comment: z.string().max(5000).default('') }).openapi('RatingCreate');
export const MagicLinkBody = z.object({ email: z.email().max(320) }).openapi('MagicLinkRequest');
export const SignInBody = z.object({ token: z.string().min(10).max(200) }).openapi('PortalSignIn');
