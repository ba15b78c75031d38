import { and, asc, eq, inArray, isNull, like, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { auditLog, serviceRequests, timelineEntries, timers } from '../../db/schema/index.js';
import type { MergeBody } from '../contracts/api/request-actions.js';
import { formatRequestNumber } from '../contracts/model.js';
import type { Principal } from '../auth/principal.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { BadRequest, Conflict, NotFound, StaleVersion } from '../platform/errors.js';
import { toRequestView, visibleTo } from './queries.js';
import { OPEN_STATUSES } from './status.js';
import { toRequestSummary, toTimelineView, type RequestRow } from './summary.js';

/**
 * Merges a duplicate into the survivor. The survivor keeps its number; the merged request is
 * closed with a pointer to it (mergedIntoId) and keeps its own timeline; a `merged` entry lands
 * on both, and the merged one's pending deadlines are cancelled.
 */
export async function mergeRequest(db: Db, bus: EventBus, p: Principal, id: string, b: z.infer<typeof MergeBody>) {
  if (id === b.intoId) throw new BadRequest('a request cannot be merged into itself', { intoId: 'another request' });
  return commitWithEvents(db, bus, async (tx, emit) => {
    const { source, target } = await lockPair(tx, p, id, b.intoId);
    if (source.version !== b.version) throw new StaleVersion('request', b.version, source.version);
    if (source.mergedIntoId) throw new Conflict('this request was already merged', { mergedIntoId: source.mergedIntoId });
    if (!isOpen(source)) throw new Conflict(`a ${source.status} request cannot be merged`, { status: source.status });
    if (!isOpen(target) || target.mergedIntoId) throw new Conflict('the survivor must be an open request', { intoStatus: target.status, intoMergedIntoId: target.mergedIntoId });
    if (source.customerId && target.customerId && source.customerId !== target.customerId) {
      throw new BadRequest('the requests belong to different customers', { intoId: 'another customer\'s request' });
    }
    const intoNumber = formatRequestNumber(target.number);
    const [merged] = await tx.update(serviceRequests).set({
      status: 'closed', closedAt: sql`now()`, closeReason: `merged into ${intoNumber}`, mergedIntoId: target.id,
      version: sql`${serviceRequests.version} + 1`, updatedAt: sql`now()`,
    }).where(eq(serviceRequests.id, source.id)).returning();
    const [into] = await tx.update(serviceRequests).set({ version: sql`${serviceRequests.version} + 1`, updatedAt: sql`now()` })
      .where(eq(serviceRequests.id, target.id)).returning();
    const actor = { actorType: p.kind, actorId: p.id, kind: 'merged' as const };
    const entries = await tx.insert(timelineEntries).values([
      { ...actor, requestId: source.id, body: `merged into ${intoNumber}`, data: { into: target.id, intoNumber } },
      { ...actor, requestId: target.id, body: `${formatRequestNumber(source.number)} merged into this request`, data: { from: source.id, fromNumber: formatRequestNumber(source.number) } },
    ]).returning();
    // Every deadline of the merged request (SLA clocks and whatever else keys a timer by its id).
    await tx.update(timers).set({ firedAt: sql`now()` }).where(and(like(timers.key, `%:${source.id}`), isNull(timers.firedAt)));
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'merge', entity: 'service_request', entityId: source.id, changes: { intoId: target.id } });
    emit({ type: 'request.merged', data: { request: toRequestSummary(merged!), into: toRequestSummary(into!) } });
    for (const e of entries) emit({ type: 'request.timeline_added', data: toTimelineView(e) });
    return { merged: toRequestView(merged!), into: toRequestView(into!) };
  });
}

/** Both rows, locked in id order so two merges of the same pair in opposite directions cannot deadlock. */
export async function lockPair(tx: Tx, p: Principal, id: string, otherId: string): Promise<{ source: RequestRow; target: RequestRow }> {
  const rows = await tx.select().from(serviceRequests)
    .where(and(inArray(serviceRequests.id, [id, otherId]), visibleTo(p)))
    .orderBy(asc(serviceRequests.id)).for('update');
  const source = rows.find((r) => r.id === id);
  const target = rows.find((r) => r.id === otherId);
  if (!source) throw new NotFound('request', id);
  if (!target) throw new NotFound('request', otherId);
  return { source, target };
}

export function isOpen(r: RequestRow): boolean {
  return OPEN_STATUSES.includes(r.status);
}
