import { z } from 'zod';
import { Channel, Priority, RequestStatus, RequestType, TimelineKind, WarrantyVerdict } from './model.js';

// One schema per domain event, shared by the hub and the console. Names are <entity>.<verb>.
export const RequestSummary = z.object({
  id: z.uuid(),
  number: z.string(),
  type: RequestType,
  channel: Channel,
  priority: Priority,
  status: RequestStatus,
  subject: z.string(),
  teamId: z.uuid().nullable(),
  assigneeId: z.uuid().nullable(),
  customerId: z.uuid().nullable(),
  assetId: z.uuid().nullable(),
  warranty: WarrantyVerdict,
  version: z.number().int(),
  responseDueAt: z.iso.datetime().nullable(),
  resolutionDueAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type RequestSummary = z.infer<typeof RequestSummary>;

export const TimelineEntryView = z.object({
  id: z.uuid(),
  requestId: z.uuid(),
  kind: TimelineKind,
  actorType: z.string(),
  actorId: z.string().nullable(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()),
  isInternal: z.boolean(),
  createdAt: z.iso.datetime(),
});
export type TimelineEntryView = z.infer<typeof TimelineEntryView>;

export const DomainEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request.created'), data: RequestSummary }),
  z.object({ type: z.literal('request.updated'), data: z.object({ request: RequestSummary, changed: z.array(z.string()) }) }),
  z.object({
    type: z.literal('request.duplicate_attached'),
    data: z.object({ request: RequestSummary, channel: Channel, reason: z.string() }),
  }),
  z.object({ type: z.literal('request.timeline_added'), data: TimelineEntryView }),
  z.object({
    type: z.literal('sla.breached'),
    data: z.object({ request: RequestSummary, clock: z.enum(['response', 'resolution']), dueAt: z.iso.datetime() }),
  }),
]);
export type DomainEvent = z.infer<typeof DomainEvent>;
export type DomainEventType = DomainEvent['type'];

/** An event as it sits in the log: numbered in commit order. */
export type LoggedEvent = DomainEvent & { seq: number; rooms: string[]; committedAt: string };

/** Socket rooms an event goes to (DESIGN.md: queue:<team>, request:<id>, customer:<id>, …). */
export function roomsFor(event: DomainEvent): string[] {
  switch (event.type) {
    case 'request.created':
      return requestRooms(event.data);
    case 'request.updated':
    case 'request.duplicate_attached':
    case 'sla.breached':
      return requestRooms(event.data.request);
    case 'request.timeline_added':
      return [`request:${event.data.requestId}`];
  }
}

function requestRooms(r: RequestSummary): string[] {
  const rooms = [`queue:${r.teamId ?? 'unrouted'}`, `request:${r.id}`];
  if (r.customerId) rooms.push(`customer:${r.customerId}`);
  if (r.type === 'alarm') rooms.push('alarms');
  return rooms;
}
