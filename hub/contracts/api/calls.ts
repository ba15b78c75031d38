import { z } from '@hono/zod-openapi';
import { CallView } from '../domain-events.js';
import { WarrantyVerdict } from '../model.js';
import { RequestCreate, RequestView } from './requests.js';

/**
 * Zammad's generic CTI API, field for field, so a PBX integration written for Zammad works by
 * changing its URL. Form-encoded (`user[]=…`) or JSON (`"user": [...]` or a string).
 */
export const CtiWebhookBody = z.object({
  event: z.enum(['newCall', 'answer', 'hangup']),
  from: z.string().trim().min(1).max(60),
  to: z.string().trim().min(1).max(60),
  direction: z.enum(['in', 'out']),
  callId: z.string().trim().min(1).max(200),
  user: z.union([z.string().max(200), z.array(z.string().max(200)).max(50)]).optional()
    .transform((u) => (u === undefined ? [] : Array.isArray(u) ? u : [u])),
  cause: z.string().max(100).optional(),
  answeringNumber: z.string().max(60).optional(),
}).openapi('CtiWebhookBody');
export type CtiWebhookBody = z.infer<typeof CtiWebhookBody>;

export const CtiIntegrationCreate = z.object({ name: z.string().trim().min(1).max(200) }).openapi('CtiIntegrationCreate');
export const CtiIntegrationView = z.object({
  id: z.uuid(), name: z.string(), prefix: z.string(), createdBy: z.uuid().nullable(),
  lastUsedAt: z.string().nullable(), revokedAt: z.string().nullable(), createdAt: z.string(),
}).openapi('CtiIntegration');
export const CtiIntegrationCreated = CtiIntegrationView.extend({
  token: z.string().describe('shown once'),
  webhookPath: z.string().describe('point the PBX here: /api/cti/<token>'),
}).openapi('CtiIntegrationCreated');

export const CallerAsset = z.object({
  id: z.uuid(), serialNumber: z.string(), model: z.string(), siteName: z.string().nullable(),
  warrantyUntil: z.string().nullable(), warranty: WarrantyVerdict,
});

/**
 * An active alarm on the caller's units. The alarm domain (MQTT issue) supplies these through
 * the `ActiveAlarmsLookup` the calls routes are given.
 */
export const CallerAlarm = z.object({
  id: z.uuid(), assetId: z.uuid(), code: z.string(), severity: z.string(), message: z.string().nullable(),
  raisedAt: z.string(), occurrences: z.number().int(),
});
export type CallerAlarm = z.infer<typeof CallerAlarm>;

/** Everything the call pop-up shows about who is calling. */
export const CallerCard = z.object({
  call: CallView.nullable(),
  phone: z.string().nullable(),
  contacts: z.array(z.object({ id: z.uuid(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable(), customerId: z.uuid().nullable() })),
  customer: z.object({ id: z.uuid(), name: z.string(), phone: z.string().nullable(), email: z.string().nullable() }).nullable(),
  assets: z.array(CallerAsset),
  openRequests: z.array(RequestView).describe('possible duplicates: open requests of the caller, their customer and units'),
  activeAlarms: z.array(CallerAlarm),
}).openapi('CallerCard');

export const CallerSearchHit = z.object({
  matchedBy: z.enum(['phone', 'name', 'email', 'serial']),
  contact: z.object({ id: z.uuid(), name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }).nullable(),
  customer: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  asset: z.object({ id: z.uuid(), serialNumber: z.string() }).nullable(),
}).openapi('CallerSearchHit');

/** Either attach the call to an open request, or open a new one from it. */
export const CallToRequest = z.union([
  z.object({ requestId: z.uuid() }),
  RequestCreate.omit({ attachToRequestId: true, channel: true }),
]).openapi('CallToRequest');
export const CallToRequestResult = z.object({ call: CallView, request: RequestView }).openapi('CallToRequestResult');
