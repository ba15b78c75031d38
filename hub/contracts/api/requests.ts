import { z } from '@hono/zod-openapi';
import { RequestSummary, TimelineEntryView } from '../domain-events.js';
import { IntakeEvent, IntakeResult } from '../intake-event.js';
import { Channel, Priority, RequestStatus, RequestType } from '../model.js';

/** An agent's intake (phone) through POST /api/requests: the intake event's fields a person types in. */
export const RequestCreate = IntakeEvent.pick({
  priority: true, categoryId: true, subject: true, description: true, customFields: true, customerId: true, contactId: true,
  contact: true, assetId: true, serialNumber: true,
}).extend({
  type: RequestType.exclude(['alarm']).default('request'),
  attachToRequestId: z.uuid().optional().describe('add this call to an open request instead of opening one'),
  channel: Channel.exclude(['mqtt']).default('phone').describe('where the customer reached the agent'),
}).openapi('RequestCreate');

export const RequestView = RequestSummary.extend({
  description: z.string(), categoryId: z.uuid().nullable(), contactId: z.uuid().nullable(), contractId: z.uuid().nullable(),
  customFields: z.record(z.string(), z.unknown()), firstRespondedAt: z.string().nullable(), resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(), closeReason: z.string().nullable(), mergedIntoId: z.uuid().nullable(),
  splitFromId: z.uuid().nullable(),
}).openapi('Request');
export const RequestDetail = RequestView.extend({ timeline: z.array(TimelineEntryView) }).openapi('RequestDetail');
export const RequestCreated = z.object({ result: IntakeResult, request: RequestView.nullable() }).openapi('RequestCreated');

export const RequestUpdate = z.object({
  version: z.number().int().positive().describe('the version you read; 409 when it is stale'),
  status: RequestStatus.optional(),
  priority: Priority.optional(),
  subject: z.string().trim().min(1).max(300).optional(),
  teamId: z.uuid().nullable().optional(),
  assigneeId: z.uuid().nullable().optional(),
  reason: z.string().trim().min(1).max(2000).optional().describe('why; required to close'),
}).openapi('RequestUpdate');

export const RequestListQuery = z.object({
  status: z.string().max(200).optional().describe('one status or several, comma-separated; "open" for every open one'),
  channel: Channel.optional(), type: RequestType.optional(), priority: Priority.optional(),
  team: z.uuid().optional(), assignee: z.uuid().optional(), customerId: z.uuid().optional(), assetId: z.uuid().optional(),
  q: z.string().max(200).optional(),
});

export const NoteCreate = z.object({ body: z.string().trim().min(1).max(20_000), isInternal: z.boolean().default(true) }).openapi('NoteCreate');
