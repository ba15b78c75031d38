import { and, asc, eq, gt, lt } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/client.js';
import { statement } from '../../db/statement.js';
import { domainEvents, eventCounter } from '../../db/schema/index.js';
import { DomainEvent, roomsFor, type LoggedEvent } from '../contracts/domain-events.js';

// One statement: the counter moves by the batch's size and the rows take the numbers below it,
// with one JSON parameter for the batch (an alarm storm logs hundreds of events per commit).
// Parameters: the batch's size (twice) and its rows.
const insertEvents = statement(`with c as (
    update "event_counter" set last_seq = last_seq + $1::int where id = 1 returning last_seq
  )
  insert into "domain_events" (seq, id, type, payload, rooms, committed_at)
  select c.last_seq - $2::int + 1 + x.i, gen_random_uuid(), x.type, x.payload, x.rooms, now()
  from c, jsonb_to_recordset($3::jsonb) as x(i int, type text, payload jsonb, rooms text[])
  returning seq::float8 as seq, committed_at`);

/**
 * Appends a batch's events with numbers in commit order. Call it last in the transaction:
 * the counter row stays locked until commit, so the next batch gets higher numbers AND commits
 * after this one. A reader asking for "after N" can therefore never miss an event that commits
 * later with a smaller number.
 */
export async function appendEvents(tx: Tx, events: DomainEvent[]): Promise<LoggedEvent[]> {
  if (events.length === 0) return [];
  for (const e of events) DomainEvent.parse(e);
  const rows = events.map((e, i) => ({ i, type: e.type, payload: e.data as Record<string, unknown>, rooms: roomsFor(e) }));
  const out = await insertEvents(tx, events.length, events.length, JSON.stringify(rows)) as Array<{ seq: number; committed_at: Date | string }>;
  if (out.length !== events.length) throw new Error('event_counter row missing: migrations not applied');
  const first = out.reduce((m, r) => Math.min(m, Number(r.seq)), Infinity);
  // now() is the transaction's start: one commit time for every row
  const committedAt = new Date(out[0]!.committed_at).toISOString();
  return events.map((e, i) => ({
    ...e,
    seq: first + i,
    rooms: rows[i]!.rooms,
    committedAt,
  }));
}

/** Events after `afterSeq`, oldest first (replay for a reconnecting console). */
export async function readEventsAfter(db: DbOrTx, afterSeq: number, limit = 1000): Promise<LoggedEvent[]> {
  const rows = await db.select().from(domainEvents)
    .where(gt(domainEvents.seq, afterSeq))
    .orderBy(asc(domainEvents.seq))
    .limit(limit);
  return rows.map((r) => ({
    ...DomainEvent.parse({ type: r.type, data: r.payload }),
    seq: r.seq,
    rooms: r.rooms,
    committedAt: r.committedAt.toISOString(),
  }));
}

export async function lastEventSeq(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ lastSeq: eventCounter.lastSeq }).from(eventCounter).where(eq(eventCounter.id, 1));
  return row?.lastSeq ?? 0;
}

/** Retention: drop events older than `before`, never the newest one (keeps "last seq" answerable). */
export async function pruneEvents(db: DbOrTx, before: Date): Promise<number> {
  const last = await lastEventSeq(db);
  const deleted = await db.delete(domainEvents)
    .where(and(lt(domainEvents.committedAt, before), lt(domainEvents.seq, last)))
    .returning({ seq: domainEvents.seq });
  return deleted.length;
}
