import { io, type Socket } from 'socket.io-client';
import type { LoggedEvent } from '../../hub/contracts/domain-events.js';
import {
  ChangedFrame, EventsFrame, PresenceFrame, ReloadFrame, SubscribeAck, WatermarkFrame, type SubscribeMessage,
} from '../../hub/contracts/realtime.js';

/**
 * A console-like socket client for tests and the benchmark: it keeps every frame it got,
 * checked against the protocol's schemas, and its resume position the way a console does.
 */
export interface TestSocket {
  socket: Socket;
  events: LoggedEvent[];
  reloads: ReloadFrame[];
  presence: PresenceFrame[];
  /** what a customer's socket is told instead of events */
  changes: ChangedFrame[];
  /** the highest upTo seen: where a reconnect resumes */
  upTo: number;
  subscribe(msg: SubscribeMessage): Promise<SubscribeAck>;
  unsubscribe(rooms: string[]): Promise<unknown>;
  close(): void;
}

export async function connectSocket(url: string, auth: { token?: string; tracking?: string; cookie?: string; origin?: string } = {}): Promise<TestSocket> {
  const socket = io(url, {
    transports: ['websocket'], reconnection: false, forceNew: true,
    auth: auth.token ? { token: auth.token } : auth.tracking ? { tracking: auth.tracking } : {},
    ...(auth.cookie ? { extraHeaders: { cookie: auth.cookie, ...(auth.origin ? { origin: auth.origin } : {}) } } : {}),
  });
  const t: TestSocket = {
    socket, events: [], reloads: [], presence: [], changes: [], upTo: 0,
    subscribe: (msg) => socket.timeout(10_000).emitWithAck('subscribe', msg).then((a: unknown) => SubscribeAck.parse(a)),
    unsubscribe: (rooms) => socket.timeout(10_000).emitWithAck('unsubscribe', { rooms }),
    close: () => { socket.disconnect(); },
  };
  socket.on('events', (raw: unknown) => {
    const f = EventsFrame.parse(raw);
    t.events.push(...(f.events as LoggedEvent[]));
    t.upTo = Math.max(t.upTo, f.upTo);
  });
  socket.on('changed', (raw: unknown) => {
    const f = ChangedFrame.parse(raw);
    t.changes.push(f);
    t.upTo = Math.max(t.upTo, f.upTo);
  });
  socket.on('watermark', (raw: unknown) => { t.upTo = Math.max(t.upTo, WatermarkFrame.parse(raw).upTo); });
  socket.on('reload', (raw: unknown) => { t.reloads.push(ReloadFrame.parse(raw)); });
  socket.on('presence', (raw: unknown) => { t.presence.push(PresenceFrame.parse(raw)); });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return t;
}

/** The Redis streams adapter keeps its stream after the hubs close; tests remove theirs. */
export async function dropAdapterStream(redisUrl: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    await redis.del(`${prefix}:sio`);
  } finally {
    redis.disconnect();
  }
}
