import { and, inArray, min } from 'drizzle-orm';
import type { Socket } from 'socket.io';
import type { Db } from '../../db/client.js';
import { domainEvents, serviceRequests } from '../../db/schema/index.js';
import {
  SOCKET, SubscribeMessage, UnsubscribeMessage, type ChangedFrame, type ReloadFrame, type SubscribeAck,
} from '../contracts/realtime.js';
import { customerChanges } from './customer-view.js';
import { readLogAfter } from './log-reader.js';
import type { Logger } from '../platform/logger.js';
import { visibleTo } from '../requests/queries.js';
import { keepLatest } from './coalesce.js';
import type { EventFeed } from './event-feed.js';
import { LIVE_ROOM, type Fanout } from './fanout.js';
import { CUSTOMERS_ROOM, type Presence } from './presence.js';
import { decideRoom, isForRooms } from './room-policy.js';
import type { SocketData } from './socket-data.js';

const PAGE = 500;
/** Beyond this many logged events to scan, a snapshot is cheaper than a replay. */
export const MAX_REPLAY_SCAN = 20_000;
/** How long a resume may wait for this hub to catch up with a position another hub gave out. */
const CATCH_UP_MS = 2000;

type Ack = (answer: unknown) => void;

export interface SubscriptionDeps { db: Db; feed: EventFeed; fanout: Fanout; presence: Presence; log: Logger }

/** Serves one socket's subscribe / unsubscribe, one message at a time. */
export function handleSubscriptions(socket: Socket, d: SubscriptionDeps): void {
  let chain = Promise.resolve();
  const serially = (fn: () => Promise<void>) => { chain = chain.then(fn).catch((err) => d.log.error({ err }, 'socket message failed')); };
  const data = socket.data as SocketData;

  socket.on(SOCKET.subscribe, (raw: unknown, ack?: Ack) => serially(async () => {
    const reply = typeof ack === 'function' ? ack : () => {};
    try {
      await subscribe(raw, reply);
    } catch (err) {
      d.log.error({ err }, 'subscribe failed');
      reply({ ok: false, error: 'the hub could not serve this subscription now; retry' } satisfies SubscribeAck);
    }
  }));

  const subscribe = async (raw: unknown, reply: Ack) => {
    const msg = SubscribeMessage.safeParse(raw);
    if (!msg.success) return reply({ ok: false, error: msg.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } satisfies SubscribeAck);
    if (msg.data.afterSeq !== undefined && [...socket.rooms].some((r) => r === LIVE_ROOM)) {
      return reply({ ok: false, error: 'afterSeq resumes a connection: send it with the first subscribe only; for rooms added later load a snapshot' } satisfies SubscribeAck);
    }
    const { granted, denied } = await decideRooms(d.db, data, msg.data.rooms);
    let reload: ReloadFrame['reason'] | null = null;
    if (msg.data.afterSeq !== undefined && granted.length) {
      reload = await replayThenJoin(socket, d, new Set(granted), msg.data.afterSeq);
    }
    if (msg.data.afterSeq === undefined || reload) socket.join([...granted, LIVE_ROOM]);
    const upTo = d.fanout.safeUpTo;
    if (reload) socket.emit(SOCKET.reload, { reason: reload, rooms: granted, upTo } satisfies ReloadFrame);
    reply({ ok: true, granted, denied, upTo, isReloadNeeded: reload !== null } satisfies SubscribeAck);
    for (const r of granted) if (r.startsWith('request:')) void d.presence.update(r.slice('request:'.length));
  };

  socket.on(SOCKET.unsubscribe, (raw: unknown, ack?: Ack) => serially(async () => {
    const reply = typeof ack === 'function' ? ack : () => {};
    const msg = UnsubscribeMessage.safeParse(raw);
    if (!msg.success) return reply({ ok: false, left: [] });
    const left = msg.data.rooms.filter((r) => socket.rooms.has(r));
    for (const r of left) await socket.leave(r);
    reply({ ok: true, left });
    for (const r of left) if (r.startsWith('request:')) void d.presence.update(r.slice('request:'.length));
  }));

  let requestRooms: string[] = [];
  socket.on('disconnecting', () => { requestRooms = [...socket.rooms].filter((r) => r.startsWith('request:')); });
  socket.on('disconnect', () => { for (const r of requestRooms) void d.presence.update(r.slice('request:'.length)); });
}

async function decideRooms(db: Db, s: SocketData, rooms: string[]) {
  const subject = {
    role: s.principal.role, userId: s.principal.userId, customerId: s.principal.customerId, teamIds: new Set(s.teamIds),
    trackingRequestId: s.trackingRequestId ?? null,
  };
  const granted: string[] = [];
  const denied: Array<{ room: string; reason: string }> = [];
  const toCheck = new Map<string, string>();
  for (const room of new Set(rooms)) {
    const d = decideRoom(subject, room);
    if (d.kind === 'allow') granted.push(room);
    else if (d.kind === 'deny') denied.push({ room, reason: d.reason });
    else toCheck.set(d.requestId, room);
  }
  if (toCheck.size) {
    const visible = new Set((await db.select({ id: serviceRequests.id }).from(serviceRequests)
      .where(and(inArray(serviceRequests.id, [...toCheck.keys()]), visibleTo(s.principal)))).map((r) => r.id));
    for (const [id, room] of toCheck) {
      if (visible.has(id)) granted.push(room);
      else denied.push({ room, reason: 'no such request, or not yours' });
    }
  }
  return { granted, denied };
}

/**
 * Sends from the log every event of `rooms` numbered above `afterSeq`, up to the feed's
 * position, then joins the rooms in the same tick as the last position check: the live frames
 * take over exactly where the replay ends. Returns why a snapshot is needed instead, if it is.
 */
async function replayThenJoin(socket: Socket, d: SubscriptionDeps, rooms: Set<string>, afterSeq: number): Promise<ReloadFrame['reason'] | null> {
  if (afterSeq > d.feed.position && !(await d.feed.reach(afterSeq, CATCH_UP_MS))) return 'ahead_of_log';
  const [oldest] = await d.db.select({ seq: min(domainEvents.seq) }).from(domainEvents);
  if (oldest?.seq != null && afterSeq < oldest.seq - 1) return 'pruned';
  let cursor = afterSeq;
  let scanned = 0;
  const isCustomer = socket.rooms.has(CUSTOMERS_ROOM);
  while (cursor < d.feed.position) {
    const limit = d.feed.position;
    const read = await readLogAfter(d.db, d.log, cursor, PAGE);
    if (read.rows === 0) break;
    scanned += read.rows;
    if (scanned > MAX_REPLAY_SCAN) return 'too_far_behind';
    // Beyond the feed's position the live frames will bring them, once the rooms are joined.
    cursor = Math.min(read.lastSeq, limit);
    const mine = keepLatest(read.events.filter((e) => e.seq <= limit && isForRooms(e.rooms, rooms)));
    if (isCustomer) {
      const seen = customerChanges(mine, rooms);
      if (seen) socket.emit(SOCKET.changed, { ...seen, upTo: cursor } satisfies ChangedFrame);
    } else if (mine.length) socket.emit(SOCKET.events, { events: mine, upTo: cursor });
  }
  if (!socket.connected) return null;
  socket.join([...rooms, LIVE_ROOM]);
  return null;
}
