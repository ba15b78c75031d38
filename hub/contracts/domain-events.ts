import { z } from 'zod';
import {
  AlarmState, CallDirection, CallState, Channel, OrderKind, OrderStatus, Priority, RequestStatus, RequestType, RequisitionStatus, Severity,
  TechnicianStatus, TimelineKind, WarrantyVerdict,
} from './model.js';

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

/** A service order as events and lists carry it. */
export const OrderSummary = z.object({
  id: z.uuid(),
  number: z.string(),
  requestId: z.uuid(),
  kind: OrderKind,
  status: OrderStatus,
  priority: Priority,
  requiredSkill: z.string().nullable(),
  description: z.string(),
  technicianId: z.uuid().nullable(),
  dueAt: z.iso.datetime().nullable(),
  onSiteDueAt: z.iso.datetime().nullable().optional(),
  /** dispatch: the planned visit and its place in the technician's day */
  scheduledFor: z.iso.datetime().nullable().optional(),
  sequence: z.number().int().nullable().optional(),
  acceptedAt: z.iso.datetime().nullable().optional(),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type OrderSummary = z.infer<typeof OrderSummary>;

/** An alarm as events and lists carry it: a full snapshot, so the latest event for an alarm supersedes earlier ones. */
export const AlarmSummary = z.object({
  id: z.uuid(),
  assetId: z.uuid(),
  deviceId: z.uuid().nullable(),
  faultCode: z.string(),
  isUnknownCode: z.boolean(),
  state: AlarmState,
  severity: Severity,
  message: z.string().nullable(),
  count: z.number().int(),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  stateChangedAt: z.iso.datetime(),
  clearedAt: z.iso.datetime().nullable(),
  acknowledgedAt: z.iso.datetime().nullable(),
  acknowledgedBy: z.uuid().nullable(),
  isFlapping: z.boolean(),
  flapCount: z.number().int(),
  requestId: z.uuid().nullable(),
  version: z.number().int(),
});
export type AlarmSummary = z.infer<typeof AlarmSummary>;
/**
 * What a repeat can change on an alarm (no state change: those are raised / cleared events with
 * the full snapshot). A repeat may also give an alarm its request (one whose clear overtook its
 * raise). Applies to a snapshot of a lower version.
 */
export const AlarmRepeat = z.object({
  id: z.uuid(),
  requestId: z.uuid().nullable(),
  severity: Severity,
  message: z.string().nullable(),
  count: z.number().int(),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  version: z.number().int(),
});
export type AlarmRepeat = z.infer<typeof AlarmRepeat>;
/** A purchase request for a part that was missing at a visit. */
export const RequisitionSummary = z.object({
  id: z.uuid(), orderId: z.uuid(), requestId: z.uuid(), partNumber: z.string(), description: z.string(),
  quantity: z.number().int(), status: RequisitionStatus, version: z.number().int(), createdAt: z.iso.datetime(),
});
export type RequisitionSummary = z.infer<typeof RequisitionSummary>;

/** A technician as the dispatch board shows them (status and last reported position). */
export const TechnicianSummary = z.object({
  id: z.uuid(), name: z.string(), skills: z.array(z.string()), region: z.string().nullable(), status: TechnicianStatus,
  position: z.object({ latitude: z.number(), longitude: z.number(), at: z.iso.datetime() }).nullable(),
  home: z.object({ latitude: z.number(), longitude: z.number() }).nullable(),
  version: z.number().int(),
});
export type TechnicianSummary = z.infer<typeof TechnicianSummary>;

/** Which SLA clock: the request's first response and resolution, an order's arrival on site. */
export const SlaClock = z.enum(['response', 'on_site', 'resolution']);
export type SlaClock = z.infer<typeof SlaClock>;

/** A phone call as the call pop-up shows it (CTI). */
export const CallView = z.object({
  id: z.uuid(),
  callId: z.string(),
  direction: CallDirection,
  from: z.string(),
  to: z.string(),
  state: CallState,
  cause: z.string().nullable(),
  agentId: z.uuid().nullable(),
  contactId: z.uuid().nullable(),
  customerId: z.uuid().nullable(),
  requestId: z.uuid().nullable(),
  /** who is calling, as matched by phone number (null when unknown) */
  caller: z.object({ contactName: z.string().nullable(), customerName: z.string().nullable() }).nullable(),
  startedAt: z.iso.datetime(),
  answeredAt: z.iso.datetime().nullable(),
  endedAt: z.iso.datetime().nullable(),
  durationSeconds: z.number().int().nullable().describe('talk time, answer to hangup'),
});
export type CallView = z.infer<typeof CallView>;

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
    data: z.object({
      request: RequestSummary, clock: SlaClock, dueAt: z.iso.datetime(),
      /** the on-site clock belongs to an order */
      order: OrderSummary.optional(),
    }),
  }),
  z.object({
    type: z.literal('sla.warned'),
    data: z.object({ request: RequestSummary, clock: SlaClock, dueAt: z.iso.datetime(), usedRatio: z.number(), order: OrderSummary.optional() }),
  }),
  z.object({ type: z.literal('order.created'), data: OrderSummary }),
  /** a new alarm, or a cleared one raised again within the flapping window (`reopened`) */
  z.object({ type: z.literal('alarm.raised'), data: z.object({ alarm: AlarmSummary, reopened: z.boolean() }) }),
  /**
   * The repeats one alarm batch recorded, one entry per alarm however many repeats it held: one
   * event per batch, not per alarm (in a storm, most of a batch's alarms only repeat, and each
   * was a full snapshot checked, logged as a row and sent as an event of its own). Only to the
   * `alarms` room: a request's room would hear of other requests' alarms.
   */
  z.object({ type: z.literal('alarm.repeated'), data: z.object({ alarms: z.array(AlarmRepeat).min(1) }) }),
  z.object({ type: z.literal('alarm.cleared'), data: z.object({ alarm: AlarmSummary }) }),
  z.object({ type: z.literal('alarm.acknowledged'), data: z.object({ alarm: AlarmSummary }) }),
  z.object({
    type: z.literal('device.status_changed'),
    data: z.object({ deviceId: z.uuid(), assetId: z.uuid(), isOnline: z.boolean(), at: z.iso.datetime() }),
  }),
  z.object({ type: z.literal('order.updated'), data: z.object({ order: OrderSummary, changed: z.array(z.string()) }) }),
  z.object({
    type: z.literal('order.status_changed'),
    data: z.object({
      order: OrderSummary, from: OrderStatus, to: OrderStatus, reason: z.string().nullable(),
      /** who had the order before, when the change handed it to someone else */
      previousTechnicianId: z.uuid().nullable().optional(),
    }),
  }),
  z.object({
    type: z.literal('order.dispatched'),
    data: z.object({ order: OrderSummary, technicianId: z.uuid(), scheduledFor: z.iso.datetime().nullable() }),
  }),
  z.object({
    type: z.literal('order.feedback_submitted'),
    data: z.object({ order: OrderSummary, faultCode: z.string().nullable(), requisitionIds: z.array(z.uuid()) }),
  }),
  z.object({ type: z.literal('order.signed_off'), data: z.object({ order: OrderSummary, name: z.string(), signedAt: z.iso.datetime() }) }),
  z.object({ type: z.literal('requisition.created'), data: RequisitionSummary }),
  z.object({ type: z.literal('technician.updated'), data: TechnicianSummary }),
  z.object({
    type: z.literal('request.merged'),
    data: z.object({ request: RequestSummary, into: RequestSummary }).describe('request (now closed) was merged into `into`, the survivor'),
  }),
  z.object({
    type: z.literal('request.split'),
    data: z.object({ request: RequestSummary, created: RequestSummary, entryIds: z.array(z.uuid()) })
      .describe('timeline entries of `request` were copied into the new request `created`'),
  }),
  z.object({ type: z.literal('call.ringing'), data: CallView }),
  z.object({ type: z.literal('call.answered'), data: CallView }),
  z.object({ type: z.literal('call.ended'), data: CallView }),
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
      return requestRooms(event.data.request);
    case 'sla.breached':
    case 'sla.warned':
      // An on-site clock concerns the dispatch board too.
      return [...requestRooms(event.data.request), ...(event.data.order ? ['dispatch'] : [])];
    case 'request.timeline_added':
      return [`request:${event.data.requestId}`];
    case 'order.created':
      return orderRooms(event.data);
    case 'alarm.repeated':
      return ['alarms'];
    case 'alarm.raised':
    case 'alarm.cleared':
    case 'alarm.acknowledged':
      return event.data.alarm.requestId ? ['alarms', `request:${event.data.alarm.requestId}`] : ['alarms'];
    case 'device.status_changed':
      return ['alarms'];
    case 'order.status_changed':
      return [...orderRooms(event.data.order), ...takenBackFrom(event.data)];
    case 'order.updated':
    case 'order.dispatched':
    case 'order.feedback_submitted':
    case 'order.signed_off':
      return orderRooms(event.data.order);
    case 'requisition.created':
      return ['dispatch', `request:${event.data.requestId}`];
    case 'technician.updated':
      return ['dispatch', `technician:${event.data.id}`];
    case 'request.merged':
      return unionRooms(requestRooms(event.data.request), requestRooms(event.data.into));
    case 'request.split':
      return unionRooms(requestRooms(event.data.request), requestRooms(event.data.created));
    case 'call.ringing':
    case 'call.answered':
    case 'call.ended':
      return event.data.agentId ? ['calls', `user:${event.data.agentId}`] : ['calls'];
  }
}

/**
 * Dispatchers see every order; a technician only their own once released to them (new and
 * planned orders are the dispatcher's draft; DESIGN.md: everyone sees only what is theirs).
 */
function orderRooms(o: OrderSummary): string[] {
  const rooms = ['dispatch', `request:${o.requestId}`];
  if (o.technicianId && o.status !== 'new' && o.status !== 'planned') rooms.push(`technician:${o.technicianId}`);
  return rooms;
}

/** An order taken back from a technician (released → planned): that technician is told it left their day. */
function takenBackFrom(d: { from: string; to: string; order: OrderSummary; previousTechnicianId?: string | null | undefined }): string[] {
  const was = d.previousTechnicianId ?? d.order.technicianId;
  return d.to === 'planned' && d.from !== 'new' && d.from !== 'rejected' && was ? [`technician:${was}`] : [];
}

function unionRooms(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function requestRooms(r: RequestSummary): string[] {
  const rooms = [`queue:${r.teamId ?? 'unrouted'}`, `request:${r.id}`];
  if (r.customerId) rooms.push(`customer:${r.customerId}`);
  if (r.type === 'alarm') rooms.push('alarms');
  return rooms;
}

/**
 * Events that carry a full, latest state of one thing (a request's summary): during a burst the
 * consoles get only the newest per key within a short window. Additive events (created,
 * timeline entries) answer null and are never dropped.
 */
export function coalesceKeyOf(event: DomainEvent): string | null {
  switch (event.type) {
    case 'request.updated':
      return `request:${event.data.request.id}`;
    default:
      return null;
  }
}
