import type { LoggedEvent } from '../api/types';

// Pure rules for a stream of numbered events (DESIGN.md: numbers in commit order, no gaps).

/** Does this event concern any of the rooms the console subscribed to? */
export function isInRooms(event: Pick<LoggedEvent, 'rooms'>, rooms: ReadonlySet<string>): boolean {
  return event.rooms.some((r) => rooms.has(r));
}

export type BatchVerdict =
  | { kind: 'frames'; frames: LoggedEvent[]; lastSeq: number }
  /** the log no longer holds what follows `after`: the console must reload its snapshots */
  | { kind: 'reload'; lastSeq: number };

/**
 * Judges a batch read after `after`: drops what was seen, and asks for a reload when the first
 * number is not the next one (the log was pruned past the resume position).
 */
export function judgeBatch(after: number, items: readonly LoggedEvent[], logLastSeq: number): BatchVerdict {
  const fresh = items.filter((e) => e.seq > after).sort((a, b) => a.seq - b.seq);
  const first = fresh[0];
  if (first && first.seq !== after + 1 && after > 0) return { kind: 'reload', lastSeq: Math.max(logLastSeq, lastOf(fresh, after)) };
  if (!first && logLastSeq > after && items.length === 0) return { kind: 'reload', lastSeq: logLastSeq };
  return { kind: 'frames', frames: fresh, lastSeq: lastOf(fresh, after) };
}

function lastOf(frames: readonly LoggedEvent[], fallback: number): number {
  return frames.length ? frames[frames.length - 1]!.seq : fallback;
}
