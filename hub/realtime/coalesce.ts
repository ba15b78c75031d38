import { coalesceKeyOf, type LoggedEvent } from '../contracts/domain-events.js';

export const COALESCE_WINDOW_MS = 100;

/**
 * Burst control for latest-state events (request.updated: a full summary). The first update of
 * a key goes out at once; more updates of that key within the window are held, each new one
 * replacing the held one, and the newest goes out when the window ends. The key includes the
 * event's rooms, so an update that moves a request to another queue never hides the move from
 * the queue it left. Additive events are never held or dropped.
 *
 * `safeUpTo` is the resume position a client may be given: below every held event, so a
 * client that disconnects while an update is held gets it again from the log.
 */
export class Coalescer {
  readonly #held = new Map<string, LoggedEvent>();
  readonly #lastSentAt = new Map<string, number>();
  #superseded = 0;

  constructor(private readonly windowMs = COALESCE_WINDOW_MS) {}

  /** Events in seq order → the ones to send now (in seq order). */
  push(events: readonly LoggedEvent[], now: number): LoggedEvent[] {
    const out: LoggedEvent[] = [];
    for (const e of events) {
      const k = keyOf(e);
      if (k === null) {
        out.push(e);
        continue;
      }
      if (this.#held.has(k)) {
        this.#held.set(k, e);
        this.#superseded++;
      } else if (now - (this.#lastSentAt.get(k) ?? -Infinity) < this.windowMs) {
        this.#held.set(k, e);
      } else {
        this.#lastSentAt.set(k, now);
        out.push(e);
      }
    }
    return out;
  }

  /** Held events whose window has ended, in seq order. */
  due(now: number): LoggedEvent[] {
    const out: LoggedEvent[] = [];
    for (const [k, e] of this.#held) {
      if (now - (this.#lastSentAt.get(k) ?? -Infinity) >= this.windowMs) {
        this.#held.delete(k);
        this.#lastSentAt.set(k, now);
        out.push(e);
      }
    }
    for (const [k, at] of this.#lastSentAt) if (now - at >= this.windowMs && !this.#held.has(k)) this.#lastSentAt.delete(k);
    return out.sort((a, b) => a.seq - b.seq);
  }

  /** When the next held event is due (ms from `now`), or null when nothing is held. */
  nextDueIn(now: number): number | null {
    let next: number | null = null;
    for (const k of this.#held.keys()) {
      const wait = Math.max(0, (this.#lastSentAt.get(k) ?? now) + this.windowMs - now);
      next = next === null ? wait : Math.min(next, wait);
    }
    return next;
  }

  safeUpTo(watermark: number): number {
    let min = watermark;
    for (const e of this.#held.values()) min = Math.min(min, e.seq - 1);
    return min;
  }

  get supersededCount(): number {
    return this.#superseded;
  }
}

function keyOf(e: LoggedEvent): string | null {
  const k = coalesceKeyOf(e);
  return k === null ? null : `${k}@${[...e.rooms].sort().join(',')}`;
}

/** For a replay: drop every latest-state event that a later one of the same key supersedes. */
export function keepLatest(events: readonly LoggedEvent[]): LoggedEvent[] {
  const latest = new Map<string, number>();
  for (const e of events) {
    const k = keyOf(e);
    if (k !== null) latest.set(k, e.seq);
  }
  return events.filter((e) => {
    const k = keyOf(e);
    return k === null || latest.get(k) === e.seq;
  });
}
