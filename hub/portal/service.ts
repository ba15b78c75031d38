import { and, asc, desc, eq, gte, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { assets, auditLog, contracts, productModels, requestRatings, serviceOrders, serviceRequests, teamMembers, timelineEntries, users } from '../../db/schema/index.js';
import { queueMail, type MailIdentity } from '../mail/outbox.js';
import type { ComplaintCreate, OrderDecision, PortalListQuery, PortalOrder, PortalRequest, RatingCreate } from '../contracts/api/portal.js';
import { formatOrderNumber, formatRequestNumber } from '../contracts/model.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { decideWarranty, isoDay } from '../identify/warranty.js';
import type { IntakePipeline } from '../intake/pipeline.js';
import { applyTransition, lockOrder } from '../orders/lifecycle.js';
import { keyset, page } from '../http/pagination.js';
import type { OrderRow } from '../orders/summary.js';
import { BadRequest, Conflict, NotFound, StaleVersion } from '../platform/errors.js';
import { CLOSED_STATUSES, OPEN_STATUSES } from '../requests/status.js';
import { toTimelineView, type RequestRow } from '../requests/summary.js';
import type { StoredAttachment } from '../../connectors/web/form.js';
import { actorOfViewer, requestScope, type Viewer } from './viewer.js';

const toPortalRequest = (r: RequestRow): z.infer<typeof PortalRequest> => ({
  id: r.id, number: formatRequestNumber(r.number), type: r.type, status: r.status, subject: r.subject, description: r.description,
  channel: r.channel, warranty: r.warranty, assetId: r.assetId, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
});

const toPortalOrder = (o: OrderRow): z.infer<typeof PortalOrder> => ({
  id: o.id, number: formatOrderNumber(o.number), requestId: o.requestId, kind: o.kind, status: o.status, description: o.description,
  completedAt: o.completedAt?.toISOString() ?? null, acceptedVia: o.acceptedVia, version: o.version, canDecide: o.status === 'completed',
});

export async function listPortalRequests(db: Db, v: Viewer, q: z.infer<typeof PortalListQuery> & { limit: number; cursor?: string | undefined }) {
  const where: Array<SQL | undefined> = [sql`${serviceRequests.mergedIntoId} is null`];
  if (q.status === 'open') where.push(inArray(serviceRequests.status, OPEN_STATUSES));
  else if (q.status === 'done') where.push(inArray(serviceRequests.status, CLOSED_STATUSES));
  else if (q.status) where.push(eq(serviceRequests.status, q.status));
  if (q.type) where.push(eq(serviceRequests.type, q.type));
  if (q.from) where.push(gte(serviceRequests.createdAt, new Date(`${q.from}T00:00:00Z`)));
  if (q.to) where.push(lt(serviceRequests.createdAt, new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000)));
  if (q.q?.trim()) {
    const number = /^(?:SR-?)?0*(\d{1,9})$/i.exec(q.q.trim());
    const like = `%${q.q.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where.push(number ? eq(serviceRequests.number, Number(number[1])) : or(ilike(serviceRequests.subject, like), ilike(serviceRequests.description, like)));
  }
  const ks = keyset(serviceRequests.createdAt, serviceRequests.id, q.cursor);
  const rows = await db.select().from(serviceRequests).where(requestScope(v, ...where, ks.where)).orderBy(...ks.orderBy).limit(q.limit + 1);
  const p = page(rows, q.limit);
  return { items: p.rows.map(toPortalRequest), nextCursor: p.nextCursor };
}

export async function portalRequestDetail(db: Db, v: Viewer, id: string) {
  const [row] = await db.select().from(serviceRequests).where(requestScope(v, eq(serviceRequests.id, id)));
  if (!row) throw new NotFound('request', id);
  const [timeline, orders, [rating]] = await Promise.all([
    db.select().from(timelineEntries).where(and(eq(timelineEntries.requestId, id), eq(timelineEntries.isInternal, false)))
      .orderBy(asc(timelineEntries.createdAt), asc(timelineEntries.seq)),
    db.select().from(serviceOrders).where(eq(serviceOrders.requestId, id)).orderBy(asc(serviceOrders.createdAt)),
    db.select().from(requestRatings).where(eq(requestRatings.requestId, id)),
  ]);
  return {
    ...toPortalRequest(row), timeline: timeline.map(toTimelineView), orders: orders.map(toPortalOrder),
    rating: rating ? { score: rating.score, comment: rating.comment } : null,
  };
}

export async function listPortalOrders(db: Db, v: Viewer) {
  const rows = await db.select({ order: serviceOrders }).from(serviceOrders)
    .innerJoin(serviceRequests, eq(serviceRequests.id, serviceOrders.requestId))
    .where(requestScope(v)).orderBy(desc(serviceOrders.createdAt)).limit(200);
  return { items: rows.map((r) => toPortalOrder(r.order)), nextCursor: null };
}

export async function listPortalAssets(db: Db, v: Viewer) {
  const scope = v.kind === 'customer' ? eq(assets.customerId, v.customerId)
    : sql`${assets.id} = (select ${serviceRequests.assetId} from ${serviceRequests} where ${serviceRequests.id} = ${v.requestId})`;
  const rows = await db.select({
    id: assets.id, serialNumber: assets.serialNumber, model: productModels.name, warrantyUntil: assets.warrantyUntil,
    contract: { validFrom: contracts.validFrom, validUntil: contracts.validUntil, coverage: contracts.coverage },
  }).from(assets).innerJoin(productModels, eq(productModels.id, assets.modelId)).leftJoin(contracts, eq(contracts.id, assets.contractId))
    .where(scope).orderBy(asc(assets.serialNumber)).limit(500);
  const today = isoDay(new Date());
  return {
    items: rows.map((r) => ({
      id: r.id, serialNumber: r.serialNumber, model: r.model, warrantyUntil: r.warrantyUntil,
      warranty: decideWarranty({ warrantyUntil: r.warrantyUntil, contract: r.contract }, today),
    })),
  };
}

/** A remark (and files) from the customer on the timeline; it is public, and the console shows it live. */
export async function addRemark(db: Db, bus: EventBus, v: Viewer, id: string, body: string, files: StoredAttachment[]) {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const [req] = await tx.select({ id: serviceRequests.id }).from(serviceRequests).where(requestScope(v, eq(serviceRequests.id, id)));
    if (!req) throw new NotFound('request', id);
    const [entry] = await tx.insert(timelineEntries).values({
      requestId: id, kind: 'note', ...actorOfViewer(v), body, isInternal: false,
      data: { remark: true, via: v.kind === 'customer' ? 'portal' : 'tracking_link', ...(files.length ? { attachments: files } : {}) },
    }).returning();
    await tx.update(serviceRequests).set({ updatedAt: sql`now()` }).where(eq(serviceRequests.id, id));
    const view = toTimelineView(entry!);
    emit({ type: 'request.timeline_added', data: view });
    return view;
  });
}

export interface PortalMail { identity: MailIdentity; kick: () => void }

/**
 * Accept or reject completed work: the order state machine decides, with the customer's role.
 * A rejection goes back to dispatch: the request team's dispatchers and supervisors are mailed.
 */
export async function decideOrder(db: Db, bus: EventBus, mail: PortalMail, v: Viewer, orderId: string, decision: 'accepted' | 'rejected', d: z.infer<typeof OrderDecision>) {
  let isMailed = false;
  const result = await commitWithEvents(db, bus, async (tx, emit) => {
    const order = await lockOrder(tx, orderId);
    const [req] = order ? await tx.select({ id: serviceRequests.id }).from(serviceRequests).where(requestScope(v, eq(serviceRequests.id, order.requestId))) : [];
    if (!order || !req) throw new NotFound('order', orderId);
    if (order.version !== d.version) throw new StaleVersion('order', d.version, order.version);
    if (order.status !== 'completed') throw new Conflict(`the work on ${formatOrderNumber(order.number)} is ${order.status}, not waiting for your decision`, { status: order.status });
    const actor = actorOfViewer(v);
    const row = await applyTransition(tx, emit, order, decision, { role: 'customer', ...actor, userId: v.kind === 'customer' ? v.userId : null }, d.reason,
      decision === 'accepted' ? { acceptedVia: 'portal', acceptedAt: new Date() } : {});
    if (decision === 'rejected') isMailed = await mailDispatch(tx, mail.identity, row, d.reason ?? '');
    return toPortalOrder(row);
  });
  if (isMailed) mail.kick();
  return result;
}

async function mailDispatch(tx: Tx, identity: MailIdentity, order: OrderRow, reason: string): Promise<boolean> {
  const [req] = await tx.select({ id: serviceRequests.id, number: serviceRequests.number, subject: serviceRequests.subject, teamId: serviceRequests.teamId })
    .from(serviceRequests).where(eq(serviceRequests.id, order.requestId));
  if (!req?.teamId) return false;
  const staff = await tx.select({ email: users.email }).from(teamMembers).innerJoin(users, eq(users.id, teamMembers.userId))
    .where(and(eq(teamMembers.teamId, req.teamId), inArray(users.role, ['dispatcher', 'supervisor']), eq(users.isActive, true)));
  let isQueued = false;
  for (const s of staff) {
    const id = await queueMail(tx, identity, {
      kind: 'notification', template: 'work_rejected', to: s.email, language: null, isAutomatic: true,
      request: { id: req.id, number: formatRequestNumber(req.number), subject: req.subject },
      params: { order: formatOrderNumber(order.number), reason }, dedupKey: `work_rejected:${order.id}:${order.version}:${s.email.toLowerCase()}`,
    });
    isQueued ||= !!id;
  }
  return isQueued;
}

export async function rateRequest(db: Db, bus: EventBus, v: Viewer, id: string, r: z.infer<typeof RatingCreate>) {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const [req] = await tx.select({ id: serviceRequests.id, status: serviceRequests.status }).from(serviceRequests).where(requestScope(v, eq(serviceRequests.id, id)));
    if (!req) throw new NotFound('request', id);
    if (!CLOSED_STATUSES.includes(req.status)) throw new Conflict('a request can be rated once it is resolved or closed', { status: req.status });
    const actor = actorOfViewer(v);
    await tx.insert(requestRatings).values({ requestId: id, score: r.score, comment: r.comment, ratedBy: actor.actorId })
      .onConflictDoUpdate({ target: requestRatings.requestId, set: { score: r.score, comment: r.comment, ratedBy: actor.actorId, updatedAt: sql`now()` } });
    const [entry] = await tx.insert(timelineEntries).values({
      requestId: id, kind: 'note', ...actor, body: `Rating ${'★'.repeat(r.score)}${'☆'.repeat(5 - r.score)}${r.comment ? `: ${r.comment}` : ''}`,
      isInternal: false, data: { rating: r.score, comment: r.comment },
    }).returning();
    await tx.insert(auditLog).values({ actorType: actor.actorType, actorId: actor.actorId, action: 'rate', entity: 'service_request', entityId: id, changes: r });
    emit({ type: 'request.timeline_added', data: toTimelineView(entry!) });
    return { score: r.score, comment: r.comment };
  });
}

/** A complaint filed from the portal: a request of type complaint through the intake pipeline. */
export async function fileComplaint(db: Db, pipeline: IntakePipeline, v: Viewer, c: z.infer<typeof ComplaintCreate>) {
  let about: { customerId: string | null; contactId: string | null; assetId: string | null } | null = null;
  if (c.requestId || v.kind === 'tracking') {
    const id = c.requestId ?? (v as { requestId: string }).requestId;
    const [r] = await db.select({ customerId: serviceRequests.customerId, contactId: serviceRequests.contactId, assetId: serviceRequests.assetId })
      .from(serviceRequests).where(requestScope(v, eq(serviceRequests.id, id)));
    if (!r) throw new BadRequest('unknown request', { requestId: 'no such request of yours' });
    about = r;
  }
  if (c.assetId) {
    const [a] = await db.select({ id: assets.id }).from(assets)
      .where(and(eq(assets.id, c.assetId), v.kind === 'customer' ? eq(assets.customerId, v.customerId) : eq(assets.id, about?.assetId ?? sql`null`)));
    if (!a) throw new BadRequest('unknown unit', { assetId: 'no such unit of yours' });
  }
  let contact: { email: string; name: string } | null = null;
  if (v.kind === 'customer') {
    const [u] = await db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, v.userId));
    contact = u ?? null;
  }
  const contactId = v.kind === 'tracking' ? about?.contactId ?? undefined : undefined;
  const customerId = v.kind === 'customer' ? v.customerId : about?.customerId ?? undefined;
  const assetId = c.assetId ?? about?.assetId ?? undefined;
  return pipeline.submit({
    channel: 'web', receivedAt: new Date(), actor: { type: 'customer', ...(v.kind === 'customer' ? { id: v.userId } : {}) },
    type: 'complaint', subject: c.subject, description: c.description, isForcedNew: true,
    ...(customerId ? { customerId } : {}), ...(assetId ? { assetId } : {}), ...(contactId ? { contactId } : {}),
    ...(contact ? { contact: { email: contact.email, name: contact.name } } : {}),
    timelineData: { portal: true, ...(c.requestId ? { aboutRequestId: c.requestId } : {}) },
  });
}
