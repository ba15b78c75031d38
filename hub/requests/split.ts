import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { auditLog, serviceRequests, timelineEntries } from '../../db/schema/index.js';
import type { SplitBody } from '../contracts/api/request-actions.js';
import { formatRequestNumber } from '../contracts/model.js';
import type { Principal } from '../auth/principal.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { BadRequest, Conflict, NotFound, StaleVersion } from '../platform/errors.js';
import { requestTimers, slaFactsOf } from '../sla/engine.js';
import { TimerService } from '../timers/timers.js';
import { isOpen } from './merge.js';
import { toRequestView, visibleTo } from './queries.js';
import { toRequestSummary, toTimelineView } from './summary.js';

/**
 * Splits a second problem off a request: a new request (same customer, unit, team and
 * deadlines: the problem was reported when the original was) with copies of the chosen
 * timeline entries. The entries are copied, not moved, so the original's history stays as it
 * was; each copy names its source (data.copiedFrom) and a `split` entry on both links them.
 * The new request's deadline timers are armed by the minute sweep.
 */
export async function splitRequest(db: Db, bus: EventBus, p: Principal, id: string, b: z.infer<typeof SplitBody>) {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const [orig] = await tx.select().from(serviceRequests).where(and(eq(serviceRequests.id, id), visibleTo(p))).for('update');
    if (!orig) throw new NotFound('request', id);
    if (orig.version !== b.version) throw new StaleVersion('request', b.version, orig.version);
    if (!isOpen(orig) || orig.mergedIntoId) throw new Conflict(`a ${orig.status} request cannot be split`, { status: orig.status });
    const ids = [...new Set(b.timelineEntryIds)];
    const picked = await tx.select().from(timelineEntries)
      .where(and(eq(timelineEntries.requestId, id), inArray(timelineEntries.id, ids)))
      .orderBy(asc(timelineEntries.createdAt), asc(timelineEntries.seq));
    if (picked.length !== ids.length) {
      const found = new Set(picked.map((e) => e.id));
      throw new BadRequest('some entries are not on this request\'s timeline', { timelineEntryIds: `not on this request: ${ids.filter((x) => !found.has(x)).join(', ')}` });
    }
    const [created] = await tx.insert(serviceRequests).values({
      type: orig.type, categoryId: orig.categoryId, channel: orig.channel, priority: b.priority ?? orig.priority, subject: b.subject,
      description: picked.find((e) => e.body.trim())?.body ?? '', customerId: orig.customerId, contactId: orig.contactId,
      assetId: orig.assetId, contractId: orig.contractId, warranty: orig.warranty, teamId: orig.teamId, splitFromId: orig.id,
      responseDueAt: orig.responseDueAt, resolutionDueAt: orig.resolutionDueAt,
    }).returning();
    const fresh = created!;
    const [original] = await tx.update(serviceRequests).set({ version: sql`${serviceRequests.version} + 1`, updatedAt: sql`now()` })
      .where(eq(serviceRequests.id, id)).returning();
    const actor = { actorType: p.kind, actorId: p.id };
    const copies = await tx.insert(timelineEntries).values(picked.map((e) => ({
      requestId: fresh.id, kind: e.kind, actorType: e.actorType, actorId: e.actorId, body: e.body, isInternal: e.isInternal,
      createdAt: e.createdAt, data: { ...e.data, copiedFrom: e.id },
    }))).returning();
    const links = await tx.insert(timelineEntries).values([
      { ...actor, requestId: id, kind: 'split', body: `split off as ${formatRequestNumber(fresh.number)}`, data: { to: fresh.id, toNumber: formatRequestNumber(fresh.number), entryIds: ids } },
      { ...actor, requestId: fresh.id, kind: 'split', body: `split off ${formatRequestNumber(orig.number)}`, data: { from: id, fromNumber: formatRequestNumber(orig.number) } },
    ]).returning();
    // The split-off request keeps the original's deadlines, on the one SLA engine's timers.
    if (fresh.responseDueAt && fresh.resolutionDueAt) {
      const { calendar } = await slaFactsOf(tx, fresh.id);
      await TimerService.setMany(tx, requestTimers(fresh.id, orig.createdAt,
        { responseDueAt: fresh.responseDueAt, resolutionDueAt: fresh.resolutionDueAt }, calendar));
    }
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'split', entity: 'service_request', entityId: id, changes: { createdId: fresh.id, entryIds: ids } });
    emit({ type: 'request.created', data: toRequestSummary(fresh) });
    emit({ type: 'request.split', data: { request: toRequestSummary(original!), created: toRequestSummary(fresh), entryIds: ids } });
    for (const e of [...copies, ...links]) emit({ type: 'request.timeline_added', data: toTimelineView(e) });
    return { original: toRequestView(original!), created: toRequestView(fresh) };
  });
}
