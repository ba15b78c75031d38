import type { z } from 'zod';
import type { LoggedEvent } from '../api/types';

// The socket protocol is the hub's (hub/contracts/realtime.ts): names and message shapes are
// imported, types only, so the bundle carries no zod.
export type { EventsFrame, PresenceFrame, ReloadFrame, SubscribeAck, SubscribeMessage } from '../../../hub/contracts/realtime.js';
import type { EventsFrame, SOCKET as HUB_SOCKET, SubscribeMessage, WatermarkFrame as WatermarkSchema } from '../../../hub/contracts/realtime.js';
export type WatermarkFrame = z.infer<typeof WatermarkSchema>;

/**
 * Socket event names: the hub's `SOCKET`, restated because importing the value would bundle the
 * contract module's zod schemas; `satisfies` makes the compiler hold the two together.
 */
export const SOCKET = {
  subscribe: 'subscribe', unsubscribe: 'unsubscribe', events: 'events', changed: 'changed', watermark: 'watermark', reload: 'reload', presence: 'presence',
} as const satisfies typeof HUB_SOCKET;

/** Where the console stands in the stream: everything ≤ upTo is applied; `seen` holds later seqs already delivered. */
export interface StreamPosition { upTo: number; seen: ReadonlySet<number> }

/**
 * What to send to join rooms. The first subscribe of a connection resumes from the position the
 * console holds (the hub replays what it missed); rooms added to a live connection are joined
 * from now on, and their screens load a snapshot (the hub refuses `afterSeq` there).
 */
export function subscribeMessage(pos: StreamPosition, rooms: string[], isJoined: boolean): SubscribeMessage {
  return !isJoined && pos.upTo >= 0 ? { rooms, afterSeq: pos.upTo } : { rooms };
}

/**
 * Takes an events frame: delivers each event once, in seq order, and moves the resume position.
 * The hub may send an event above `upTo` early (a coalesced update held back) and again on replay;
 * the `seen` set recognises it.
 */
export function acceptEvents(pos: StreamPosition, frame: Pick<EventsFrame, 'upTo'> & { events: LoggedEvent[] }): { deliver: LoggedEvent[]; pos: StreamPosition } {
  const seen = new Set(pos.seen);
  const deliver: LoggedEvent[] = [];
  for (const e of [...frame.events].sort((a, b) => a.seq - b.seq)) {
    if (e.seq <= pos.upTo || seen.has(e.seq)) continue;
    seen.add(e.seq);
    deliver.push(e);
  }
  return { deliver, pos: advance({ upTo: pos.upTo, seen }, frame.upTo) };
}

/** Moves the resume position forward (never back) and forgets seqs at or below it. */
export function advance(pos: StreamPosition, upTo: number): StreamPosition {
  const next = Math.max(pos.upTo, upTo);
  return { upTo: next, seen: new Set([...pos.seen].filter((s) => s > next)) };
}
