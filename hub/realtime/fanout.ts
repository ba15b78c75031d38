import type { Server } from 'socket.io';
import type { LoggedEvent } from '../contracts/domain-events.js';
import { SOCKET, type ChangedFrame, type EventsFrame } from '../contracts/realtime.js';
import { Coalescer } from './coalesce.js';
import { customerChanges } from './customer-view.js';
import { CUSTOMERS_ROOM } from './presence.js';

/** Sockets that are live (past their replay) join this room; clients cannot name it. */
export const LIVE_ROOM = '~live';
const WATERMARK_MS = 1000;

export interface FanoutStats {
  events: number;
  frames: number;
  superseded: number;
}

/**
 * Turns the feed's events into frames for this hub's sockets. Only this hub's sockets are
 * addressed (`io.local`): every hub tails the log itself.
 */
export class Fanout {
  readonly #coalescer: Coalescer;
  #position = 0;
  #lastWatermark = 0;
  #timer: NodeJS.Timeout | null = null;
  readonly #outbox: LoggedEvent[] = [];
  #isFlushQueued = false;
  readonly #watermarkTimer: NodeJS.Timeout;
  readonly stats: FanoutStats = { events: 0, frames: 0, superseded: 0 };

  constructor(private readonly io: Server, start: number, windowMs?: number) {
    this.#coalescer = new Coalescer(windowMs);
    this.#position = start;
    this.#lastWatermark = start;
    this.#watermarkTimer = setInterval(() => this.#sendWatermark(), WATERMARK_MS);
    this.#watermarkTimer.unref();
  }

  /** The resume position a socket may be given now. */
  get safeUpTo(): number {
    // Events still in the outbox have not gone out yet: a frame or an ack must not claim them.
    const first = this.#outbox[0];
    return Math.min(this.#coalescer.safeUpTo(this.#position), first ? first.seq - 1 : Infinity);
  }

  /**
   * Deliveries of one turn of the event loop (several commits drained together) go out as one
   * send, right after it: no added wait, fewer frames.
   */
  deliver(events: LoggedEvent[], upTo: number): void {
    this.#position = upTo;
    this.#outbox.push(...this.#coalescer.push(events, Date.now()));
    if (this.#isFlushQueued) return;
    this.#isFlushQueued = true;
    setImmediate(() => {
      this.#isFlushQueued = false;
      this.#send(this.#outbox.splice(0));
      this.#schedule();
    });
  }

  close(): void {
    clearInterval(this.#watermarkTimer);
    if (this.#timer) clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#timer) return;
    const wait = this.#coalescer.nextDueIn(Date.now());
    if (wait === null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#send(this.#coalescer.due(Date.now()));
      this.#schedule();
    }, wait);
  }

  /**
   * One frame per socket per send: each socket gets the events of its rooms, in seq order, and
   * sockets with the same selection (a queue board's 500 consoles) share one broadcast, encoded
   * once. So the writes follow sockets × sends, not sockets × events.
   */
  #send(events: LoggedEvent[]): void {
    this.stats.superseded = this.#coalescer.supersededCount;
    if (events.length === 0) return;
    const rooms = this.io.of('/').adapter.rooms;
    const selection = new Map<string, number[]>();
    events.forEach((e, i) => {
      for (const room of e.rooms) {
        for (const socketId of rooms.get(room) ?? []) {
          const picked = selection.get(socketId);
          if (!picked) selection.set(socketId, [i]);
          else if (picked.at(-1) !== i) picked.push(i);
        }
      }
    });
    const customers = rooms.get(CUSTOMERS_ROOM);
    const groups = new Map<string, { picked: number[]; socketIds: string[] }>();
    const changed = new Map<string, { requestIds: string[]; socketIds: string[] }>();
    for (const [socketId, picked] of selection) {
      if (customers?.has(socketId)) {
        // A customer's socket is told which of its requests changed, never the staff's events.
        const seen = customerChanges(picked.map((i) => events[i]!), this.io.of('/').adapter.sids.get(socketId) ?? new Set());
        if (!seen) continue;
        const key = seen.requestIds.join(',');
        const g = changed.get(key);
        if (g) g.socketIds.push(socketId);
        else changed.set(key, { requestIds: seen.requestIds, socketIds: [socketId] });
        continue;
      }
      const key = picked.join(',');
      const g = groups.get(key);
      if (g) g.socketIds.push(socketId);
      else groups.set(key, { picked, socketIds: [socketId] });
    }
    // Every frame of a send covers the whole position: each socket gets all of its events in it.
    const upTo = this.safeUpTo;
    for (const { picked, socketIds } of groups.values()) {
      const frame: EventsFrame = { events: picked.map((i) => events[i]!), upTo };
      this.io.local.to(socketIds).emit(SOCKET.events, frame);
      this.stats.frames++;
    }
    for (const { requestIds, socketIds } of changed.values()) {
      this.io.local.to(socketIds).emit(SOCKET.changed, { requestIds, upTo } satisfies ChangedFrame);
      this.stats.frames++;
    }
    this.stats.events += events.length;
  }

  #sendWatermark(): void {
    const upTo = this.safeUpTo;
    if (upTo <= this.#lastWatermark) return;
    this.#lastWatermark = upTo;
    this.io.local.to(LIVE_ROOM).emit(SOCKET.watermark, { upTo });
  }
}

