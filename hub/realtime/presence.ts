import type { Server } from 'socket.io';
import { SOCKET, type PresenceFrame } from '../contracts/realtime.js';
import type { Logger } from '../platform/logger.js';
import type { SocketData } from './socket-data.js';

/** Customers' sockets join this room: presence is staff information, never shown to them. */
export const CUSTOMERS_ROOM = '~customers';

/**
 * Who of the staff has a request open. The room's members are asked of the adapter
 * (`fetchSockets`), so with the Redis streams adapter the answer spans every hub, and the frame
 * reaches every hub's viewers. A customer following their request in the portal neither
 * appears nor gets the frame. Updates of one request are chained so a late answer never
 * overwrites a newer one.
 */
export class Presence {
  readonly #chains = new Map<string, Promise<void>>();
  constructor(private readonly io: Server, private readonly log: Logger) {}

  update(requestId: string): Promise<void> {
    const prev = this.#chains.get(requestId) ?? Promise.resolve();
    const next = prev.then(() => this.#publish(requestId)).catch((err) => {
      this.log.warn({ err, requestId }, 'presence update failed');
    });
    this.#chains.set(requestId, next);
    void next.finally(() => { if (this.#chains.get(requestId) === next) this.#chains.delete(requestId); });
    return next;
  }

  async viewers(requestId: string): Promise<PresenceFrame['viewers']> {
    const sockets = await this.io.in(`request:${requestId}`).fetchSockets();
    const byUser = new Map<string, string>();
    for (const s of sockets) {
      const data = s.data as SocketData | undefined;
      if (data?.viewer && data.principal.role !== 'customer') byUser.set(data.viewer.userId, data.viewer.name);
    }
    return [...byUser].map(([userId, name]) => ({ userId, name })).sort((a, b) => a.name.localeCompare(b.name));
  }

  async #publish(requestId: string): Promise<void> {
    const frame: PresenceFrame = { requestId, viewers: await this.viewers(requestId) };
    this.io.to(`request:${requestId}`).except(CUSTOMERS_ROOM).emit(SOCKET.presence, frame);
  }
}
