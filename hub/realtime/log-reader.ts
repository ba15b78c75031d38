import { asc, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { domainEvents } from '../../db/schema/index.js';
import { DomainEvent, type LoggedEvent } from '../contracts/domain-events.js';
import type { Logger } from '../platform/logger.js';

/**
 * The event log after `afterSeq`, in seq order, each event checked against its schema. An event
 * that no longer parses (logged before a schema change) is skipped and logged, never sent, and
 * never stops the stream: `lastSeq` moves past it all the same.
 */
export async function readLogAfter(db: DbOrTx, log: Logger, afterSeq: number, limit: number): Promise<{ events: LoggedEvent[]; lastSeq: number; rows: number }> {
  const rows = await db.select().from(domainEvents).where(gt(domainEvents.seq, afterSeq)).orderBy(asc(domainEvents.seq)).limit(limit);
  const events: LoggedEvent[] = [];
  for (const r of rows) {
    const parsed = DomainEvent.safeParse({ type: r.type, data: r.payload });
    if (parsed.success) events.push({ ...parsed.data, seq: r.seq, rooms: r.rooms, committedAt: r.committedAt.toISOString() });
    else log.error({ seq: r.seq, type: r.type, issues: parsed.error.issues.slice(0, 3) }, 'logged event fails its schema; not sent');
  }
  return { events, lastSeq: rows.at(-1)?.seq ?? afterSeq, rows: rows.length };
}
