import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import type { Server } from 'socket.io';
import type { Db } from '../../db/client.js';
import { apiKeys, sessions, users } from '../../db/schema/index.js';
import type { SocketData } from './socket-data.js';

/**
 * A socket outlives the sign-in it was opened with unless someone checks: this drops the
 * sockets whose session ended (sign-out, expiry, a deactivated user) or whose API key was
 * revoked. One query per kind for all of this hub's sockets.
 */
export async function dropEndedSessions(io: Server, db: Db): Promise<number> {
  const sockets = await io.local.fetchSockets();
  const sessionIds = new Set<string>();
  const keyIds = new Set<string>();
  // A tracking link's socket has no sign-in to end: its token stays valid as the link does.
  const signedIn = sockets.filter((s) => !(s.data as SocketData).trackingRequestId);
  for (const s of signedIn) {
    const p = (s.data as SocketData).principal;
    if (p.sessionId) sessionIds.add(p.sessionId);
    else if (p.kind === 'api_key') keyIds.add(p.id);
  }
  const now = new Date();
  const liveSessions = sessionIds.size ? new Set((await db.select({ id: sessions.id }).from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(inArray(sessions.id, [...sessionIds]), gt(sessions.expiresAt, now), eq(users.isActive, true)))).map((r) => r.id)) : new Set<string>();
  const liveKeys = keyIds.size ? new Set((await db.select({ id: apiKeys.id }).from(apiKeys)
    .where(and(inArray(apiKeys.id, [...keyIds]), isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now))))).map((r) => r.id)) : new Set<string>();
  let dropped = 0;
  for (const s of signedIn) {
    const p = (s.data as SocketData).principal;
    const isLive = p.sessionId ? liveSessions.has(p.sessionId) : liveKeys.has(p.id);
    if (!isLive) {
      s.disconnect(true);
      dropped++;
    }
  }
  return dropped;
}
