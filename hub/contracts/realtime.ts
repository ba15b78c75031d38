import { z } from 'zod';
import { DomainEvent } from './domain-events.js';

// The socket protocol between the hub and the console (socket.io, default namespace).
// Client → server messages are acknowledged (socket.io ack callback) with the matching *Ack.

/** A socket room: queue:<team|unrouted>, request:<id>, customer:<id>, technician:<userId>, user:<userId>, alarms, dispatch, calls. */
export const RoomName = z.string().regex(
  /^(queue:([0-9a-f-]{36}|unrouted)|(request|customer|technician|user):[0-9a-f-]{36}|alarms|dispatch|calls)$/,
  'unknown room',
);
export type RoomName = z.infer<typeof RoomName>;

/** The position in the event log: everything up to and including this number (0 = nothing yet). */
export const Seq = z.number().int().min(0);

/**
 * Join rooms. With `afterSeq`, the hub first sends, from the event log, every event of these
 * rooms numbered above it, then live ones: nothing is missed and nothing is out of order.
 */
export const SubscribeMessage = z.object({
  rooms: z.array(RoomName).min(1).max(100),
  afterSeq: Seq.optional(),
});
export type SubscribeMessage = z.infer<typeof SubscribeMessage>;

export const SubscribeAck = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    granted: z.array(RoomName),
    denied: z.array(z.object({ room: z.string(), reason: z.string() })),
    /** the hub's position once the rooms are joined: load a snapshot, then apply events above it */
    upTo: Seq,
    /** true when the replay could not be served: load a snapshot (a `reload` frame says why) */
    isReloadNeeded: z.boolean(),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type SubscribeAck = z.infer<typeof SubscribeAck>;

export const UnsubscribeMessage = z.object({ rooms: z.array(RoomName).min(1).max(100) });
export type UnsubscribeMessage = z.infer<typeof UnsubscribeMessage>;
export const UnsubscribeAck = z.object({ ok: z.boolean(), left: z.array(z.string()) });

/** The logged event as a frame carries it. */
export const LoggedEventFrame = z.intersection(DomainEvent, z.object({
  seq: Seq, rooms: z.array(z.string()), committedAt: z.iso.datetime(),
}));

/**
 * Events for the socket's rooms, ordered by seq. `upTo` is where to resume from after a
 * disconnect: every event for this socket numbered ≤ upTo has been sent. It can be below the
 * highest seq in the frame while a coalesced update is held back; replayed events the client
 * already has are recognised by their seq and skipped.
 */
export const EventsFrame = z.object({ events: z.array(LoggedEventFrame), upTo: Seq });
export type EventsFrame = z.infer<typeof EventsFrame>;

/**
 * What a customer's socket gets instead of events: the ids of their requests that changed in a
 * way the portal shows (never an internal note), to read again over the portal API. A domain
 * event is the staff's view of a change; the customer's view is the API's to make.
 */
export const ChangedFrame = z.object({
  /** the changed requests among those whose room the socket joined; empty: one reached through the organisation's room */
  requestIds: z.array(z.uuid()),
  upTo: Seq,
});
export type ChangedFrame = z.infer<typeof ChangedFrame>;

/** Sent now and then to every socket, so a console in quiet rooms still advances its resume position. */
export const WatermarkFrame = z.object({ upTo: Seq });

export const ReloadReason = z.enum(['pruned', 'too_far_behind', 'ahead_of_log']);
/** The events since afterSeq are no longer (or not) in the log: load a snapshot over HTTP, then subscribe from `upTo`. */
export const ReloadFrame = z.object({ reason: ReloadReason, rooms: z.array(RoomName), upTo: Seq });
export type ReloadFrame = z.infer<typeof ReloadFrame>;

export const Viewer = z.object({ userId: z.string(), name: z.string() });
/** Who has `request:<id>` open right now, on every hub. */
export const PresenceFrame = z.object({ requestId: z.uuid(), viewers: z.array(Viewer) });
export type PresenceFrame = z.infer<typeof PresenceFrame>;

/** Socket event names, one place. */
export const SOCKET = {
  subscribe: 'subscribe',
  unsubscribe: 'unsubscribe',
  events: 'events',
  changed: 'changed',
  watermark: 'watermark',
  reload: 'reload',
  presence: 'presence',
} as const;
