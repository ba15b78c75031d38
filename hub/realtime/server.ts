import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { Server } from 'socket.io';
import type { Db, DbDriver } from '../../db/client.js';
import { teamMembers, users } from '../../db/schema/index.js';
import { SESSION_COOKIE } from '../auth/routes.js';
import type { AuthService } from '../auth/service.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../platform/logger.js';
import type { Registry } from 'prom-client';
import { EventFeed } from './event-feed.js';
import { Fanout } from './fanout.js';
import { CUSTOMERS_ROOM, Presence } from './presence.js';
import type { SocketData } from './socket-data.js';
import { registerRealtimeMetrics } from './metrics.js';
import { dropEndedSessions } from './revalidate.js';
import { handleSubscriptions } from './subscriptions.js';

/** PostgreSQL channel on which a committing transaction announces its last seq (delivered on commit). */
export const NOTIFY_CHANNEL = 'hub_events';
/** How often sockets of ended sessions are dropped. */
const REVALIDATE_MS = 30_000;

export interface RealtimeOptions {
  server: HttpServer;
  db: Db;
  driver: DbDriver;
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
  /** keys of the Redis streams adapter start with it (tests run hubs side by side) */
  redisPrefix: string;
  bus: EventBus;
  auth: AuthService;
  log: Logger;
  /** coalescing window; tests shorten it */
  coalesceMs?: number;
  /** the hub's Prometheus registry */
  registry?: Registry;
  /** the request a tracking link's token names, or null (sockets of the customer portal opened from a tracking link) */
  verifyTracking?: (token: string) => string | null;
}

export interface Realtime {
  io: Server;
  feed: EventFeed;
  fanout: Fanout;
  presence: Presence;
  mode: 'in-memory' | 'redis-streams';
  /** drops sockets whose session or API key ended; runs every 30 s by itself */
  revalidate(): Promise<number>;
  close(): Promise<void>;
}

/**
 * socket.io on the hub's HTTP server. Live frames come from the event log on every hub (see
 * EventFeed): gap-free and in commit order whatever hub committed. The Redis streams adapter,
 * when REDIS_URL is set, carries what is not in the log between hubs: presence (fetchSockets
 * across hubs) and emits to a room whose sockets sit on other hubs. It does not carry the event
 * stream: its messages have no order across hubs, so a client could not tell a gap from a delay.
 */
export async function startRealtime(o: RealtimeOptions): Promise<Realtime> {
  const log = o.log.child({ component: 'realtime' });
  const redis = o.redisUrl ? new Redis(o.redisUrl, { maxRetriesPerRequest: null }) : null;
  redis?.on('error', (err) => log.warn({ err }, 'redis (socket.io adapter) error'));
  const io = new Server(o.server, {
    path: '/socket.io',
    serveClient: false,
    ...(redis ? { adapter: createAdapter(redis, { streamName: `${o.redisPrefix}:sio`, channelPrefix: `${o.redisPrefix}:sio`, onlyPlaintext: true }) } : {}),
  });

  const fanout = new Fanout(io, 0, o.coalesceMs);
  const feed = new EventFeed({ db: o.db, log, deliver: (events, upTo) => fanout.deliver(events, upTo) });
  await feed.start();
  fanout.deliver([], feed.position);
  const unsubscribe = o.bus.subscribe((events) => feed.offer(events));
  const notify = await listenForCommits(o, feed, log);
  const presence = new Presence(io, log);
  if (o.registry) registerRealtimeMetrics(o.registry, io, feed, fanout);

  io.use((socket, next) => {
    authenticate(o, socket.handshake.auth, cookieIfSameOrigin(socket.handshake.headers))
      .then((data) => {
        if (!data) return next(new Error('unauthorized'));
        socket.data = data;
        next();
      })
      .catch((err) => { log.error({ err }, 'socket authentication failed'); next(new Error('unavailable')); });
  });
  io.on('connection', (socket) => {
    if ((socket.data as SocketData).principal.role === 'customer') socket.join(CUSTOMERS_ROOM);
    handleSubscriptions(socket, { db: o.db, feed, fanout, presence, log });
  });

  const revalidate = () => dropEndedSessions(io, o.db);
  const revalidator = setInterval(() => {
    revalidate().then((n) => { if (n) log.info({ dropped: n }, 'sockets of ended sessions dropped'); })
      .catch((err) => log.warn({ err }, 'socket revalidation failed'));
  }, REVALIDATE_MS);
  revalidator.unref();

  log.info({ mode: redis ? 'redis-streams' : 'in-memory', position: feed.position }, 'realtime started');
  return {
    io, feed, fanout, presence, mode: redis ? 'redis-streams' : 'in-memory', revalidate,
    async close() {
      clearInterval(revalidator);
      unsubscribe();
      await feed.close();
      fanout.close();
      await new Promise<void>((resolve) => { io.close(() => resolve()); });
      await notify?.close();
      redis?.disconnect();
    },
  };
}

/**
 * With PostgreSQL, other hubs commit too. After each of its commits a hub NOTIFYs the last seq
 * (outside the transaction: nothing more is done while the event counter is locked, and the
 * event is visible by the time the notice arrives), and every hub's feed reads the log when it
 * hears of a seq it has not delivered. A notice lost in a crash is made up by the poll.
 */
async function listenForCommits(o: RealtimeOptions, feed: EventFeed, log: Logger) {
  if (o.driver !== 'postgres' || !o.databaseUrl) return null;
  const client = postgres(o.databaseUrl, { max: 2, onnotice: () => {} });
  const sub = await client.listen(NOTIFY_CHANNEL, (payload) => feed.nudge(Number(payload) || undefined), () => feed.nudge());
  // One notice in flight at a time, carrying the newest seq: a burst of commits costs a few.
  let newest = 0;
  let sending: Promise<void> | null = null;
  const notify = (): void => {
    if (sending) return;
    const seq = newest;
    sending = client`select pg_notify(${NOTIFY_CHANNEL}, ${String(seq)})`
      .then(() => undefined, (err: unknown) => { log.warn({ err }, 'commit notice failed; other hubs catch up by polling'); })
      .finally(() => { sending = null; if (newest > seq) notify(); });
  };
  const unsubscribe = o.bus.subscribe((events) => {
    newest = Math.max(newest, events.at(-1)?.seq ?? 0);
    notify();
  });
  log.debug('listening for commits of other hubs');
  return {
    close: async () => {
      unsubscribe();
      await sending;
      await sub.unlisten().catch(() => {});
      await client.end({ timeout: 2 });
    },
  };
}

async function authenticate(o: RealtimeOptions, handshake: Record<string, unknown>, cookieHeader: string | undefined): Promise<SocketData | null> {
  const { db, auth } = o;
  if (typeof handshake.tracking === 'string') {
    const requestId = o.verifyTracking?.(handshake.tracking) ?? null;
    if (!requestId) return null;
    return {
      principal: { kind: 'user', id: `tracking:${requestId}`, role: 'customer', userId: null, customerId: null, sessionId: null },
      viewer: null, teamIds: [], trackingRequestId: requestId,
    };
  }
  const token = typeof handshake.token === 'string' ? handshake.token : cookieValue(cookieHeader, SESSION_COOKIE);
  if (!token) return null;
  const principal = await auth.resolve(token);
  if (!principal) return null;
  if (!principal.userId) return { principal, viewer: null, teamIds: [] };
  const [u] = await db.select({ name: users.name }).from(users).where(eq(users.id, principal.userId));
  const teams = await db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.userId, principal.userId));
  return { principal, viewer: { userId: principal.userId, name: u?.name ?? '' }, teamIds: teams.map((t) => t.teamId) };
}

/**
 * The session cookie counts only when the page that opens the socket is the hub's own: another
 * site's page must not ride a signed-in user's cookie (cross-site WebSocket hijacking). A
 * token in `auth` is not sent by browsers on their own, so it needs no such check.
 */
function cookieIfSameOrigin(headers: Record<string, string | string[] | undefined>): string | undefined {
  const cookie = typeof headers.cookie === 'string' ? headers.cookie : undefined;
  const origin = typeof headers.origin === 'string' ? headers.origin : undefined;
  if (!cookie || !origin) return cookie;
  try {
    return new URL(origin).host === headers.host ? cookie : undefined;
  } catch {
    return undefined;
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}
