import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { assets, auditLog, contracts, serviceRequests, timelineEntries, users } from '../../db/schema/index.js';
import type { ClaimConflictDetails, EscalateBody, LinkAssetBody } from '../contracts/api/request-actions.js';
import type { Principal } from '../auth/principal.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { decideWarranty, isoDay } from '../identify/warranty.js';
import { BadRequest, Conflict, NotFound, StaleVersion } from '../platform/errors.js';
import { toRequestView, visibleTo } from './queries.js';
import { updateRequest } from './service.js';
import { toRequestSummary, toTimelineView } from './summary.js';

/**
 * "I take it": assigns the request to the caller. Unlike an assignment, a claim never takes a
 * request someone else holds. Two agents claiming at once: the row lock and the version check
 * in updateRequest let one win; the other gets 409 naming who has it.
 */
export async function claimRequest(db: Db, bus: EventBus, p: Principal, id: string, version: number) {
  if (!p.userId) throw new BadRequest('only a signed-in user can claim a request', { version: 'sign in as a user' });
  const current = await readClaimState(db, p, id);
  if (current.assignee?.id === p.userId) return toRequestView(current.row);
  if (current.assignee || current.row.version !== version) throw claimConflict(current, p.userId);
  try {
    return await updateRequest(db, bus, p, id, { version, assigneeId: p.userId });
  } catch (err) {
    if (!(err instanceof StaleVersion)) throw err;
    const after = await readClaimState(db, p, id);
    if (after.assignee?.id === p.userId) return toRequestView(after.row);
    throw claimConflict(after, p.userId);
  }
}

async function readClaimState(db: Db, p: Principal, id: string) {
  const [row] = await db.select().from(serviceRequests).where(and(eq(serviceRequests.id, id), visibleTo(p)));
  if (!row) throw new NotFound('request', id);
  const [u] = row.assigneeId ? await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, row.assigneeId)) : [];
  return { row, assignee: u ?? null };
}

function claimConflict(s: Awaited<ReturnType<typeof readClaimState>>, me: string): Conflict {
  const details: z.infer<typeof ClaimConflictDetails> = { assignee: s.assignee, currentVersion: s.row.version };
  const message = s.assignee && s.assignee.id !== me
    ? `${s.assignee.name} has this request`
    : 'the request was changed by someone else; reload and try again';
  return new Conflict(message, details);
}

/** Escalation is a status change with a reason (and optionally a hand-over to another team). */
export async function escalateRequest(db: Db, bus: EventBus, p: Principal, id: string, b: z.infer<typeof EscalateBody>) {
  return updateRequest(db, bus, p, id, { version: b.version, status: 'escalated', reason: b.reason, ...(b.teamId ? { teamId: b.teamId } : {}) });
}

/**
 * Links (or unlinks) the unit a request is about. Warranty and contract are decided again for
 * the day the request was opened; the unit must belong to the request's customer.
 */
export async function linkAsset(db: Db, bus: EventBus, p: Principal, id: string, b: z.infer<typeof LinkAssetBody>) {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const [cur] = await tx.select().from(serviceRequests).where(and(eq(serviceRequests.id, id), visibleTo(p))).for('update');
    if (!cur) throw new NotFound('request', id);
    if (cur.version !== b.version) throw new StaleVersion('request', b.version, cur.version);
    if (cur.mergedIntoId) throw new Conflict('this request was merged; link the unit to the survivor', { mergedIntoId: cur.mergedIntoId });
    let set: Partial<typeof serviceRequests.$inferInsert> = { assetId: null, contractId: null, warranty: 'unknown' };
    let serialNumber: string | null = null;
    if (b.assetId) {
      const [a] = await tx.select({
        id: assets.id, serialNumber: assets.serialNumber, customerId: assets.customerId, warrantyUntil: assets.warrantyUntil,
        contract: { id: contracts.id, validFrom: contracts.validFrom, validUntil: contracts.validUntil, coverage: contracts.coverage },
      }).from(assets).leftJoin(contracts, eq(contracts.id, assets.contractId)).where(eq(assets.id, b.assetId));
      if (!a) throw new BadRequest('unknown asset', { assetId: 'no such asset' });
      if (cur.customerId && cur.customerId !== a.customerId) throw new BadRequest('the unit belongs to another customer', { assetId: 'belongs to another customer' });
      const day = isoDay(cur.createdAt);
      const c = a.contract;
      set = {
        assetId: a.id, customerId: a.customerId,
        contractId: c && c.validFrom <= day && day <= c.validUntil ? c.id : null,
        warranty: decideWarranty({ warrantyUntil: a.warrantyUntil, contract: c }, day),
      };
      serialNumber = a.serialNumber;
    }
    const [row] = await tx.update(serviceRequests)
      .set({ ...set, version: sql`${serviceRequests.version} + 1`, updatedAt: sql`now()` })
      .where(eq(serviceRequests.id, id)).returning();
    const [entry] = await tx.insert(timelineEntries).values({
      requestId: id, kind: 'attached', actorType: p.kind, actorId: p.id, body: '',
      data: { assetFrom: cur.assetId, assetTo: set.assetId ?? null, serialNumber, warranty: set.warranty },
    }).returning();
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'link_asset', entity: 'service_request', entityId: id, changes: { assetId: b.assetId } });
    const changed = (['assetId', 'customerId', 'contractId', 'warranty'] as const).filter((k) => set[k] !== undefined && set[k] !== cur[k]);
    emit({ type: 'request.updated', data: { request: toRequestSummary(row!), changed } });
    emit({ type: 'request.timeline_added', data: toTimelineView(entry!) });
    return toRequestView(row!);
  });
}
