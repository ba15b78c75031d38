import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { auditLog, serviceOrders, serviceRequests, timelineEntries } from '../../db/schema/index.js';
import type { OrderCreate, OrderDetail, OrderTransition, OrderUpdate } from '../contracts/api/orders.js';
import { actorOf, type Principal } from '../auth/principal.js';
import type { EventBus } from '../events/bus.js';
import { commitWithEvents } from '../events/unit-of-work.js';
import { BadRequest, NotFound, StaleVersion } from '../platform/errors.js';
import { toTimelineView } from '../requests/summary.js';
import { createServiceOrder } from './create.js';
import { applyEstimate } from './estimate.js';
import { applyTransition, lockOrder, type Mover } from './lifecycle.js';
import { UNRELEASED, visibleOrders } from './queries.js';
import { toOrderSummary, type OrderRow } from './summary.js';
import { allowedOrderTransitions } from './transitions.js';

export function moverOf(p: Principal): Mover {
  return { role: p.role, actorType: p.kind, actorId: p.id, userId: p.userId };
}

/** An order opened by hand from a request (agents and dispatchers), optionally with an estimate from a template. */
export async function openOrder(db: Db, bus: EventBus, p: Principal, input: z.infer<typeof OrderCreate>) {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const [req] = await tx.select({ priority: serviceRequests.priority, mergedIntoId: serviceRequests.mergedIntoId })
      .from(serviceRequests).where(eq(serviceRequests.id, input.requestId));
    if (!req) throw new BadRequest('unknown request', { requestId: 'no such request' });
    if (req.mergedIntoId) throw new BadRequest('the request was merged; open the order on the request it was merged into', { requestId: 'merged' });
    const order = await createServiceOrder(tx, {
      requestId: input.requestId, kind: input.kind, priority: input.priority ?? req.priority, requiredSkill: input.requiredSkill ?? null,
      description: input.description, ...(input.dueAt ? { dueAt: new Date(input.dueAt) } : {}), actor: actorOf(p),
    }, emit);
    if (input.templateId) await applyEstimate(tx, order, { templateId: input.templateId });
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'create', entity: 'service_order', entityId: order.id, changes: input });
    return toDetail(order, p);
  });
}

/** Clarification: description, cause, priority, skill and due time; each change is on the request's timeline. */
export async function updateOrder(db: Db, bus: EventBus, p: Principal, id: string, u: z.infer<typeof OrderUpdate>) {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const cur = await lockOrder(tx, id);
    if (!cur) throw new NotFound('order', id);
    if (cur.version !== u.version) throw new StaleVersion('order', u.version, cur.version);
    if (cur.status === 'closed' || cur.status === 'cancelled') throw new BadRequest(`a ${cur.status} order cannot be changed`);
    const set: Partial<typeof serviceOrders.$inferInsert> = {};
    if (u.description !== undefined && u.description !== cur.description) set.description = u.description;
    if (u.cause !== undefined && u.cause !== cur.cause) set.cause = u.cause;
    if (u.priority && u.priority !== cur.priority) set.priority = u.priority;
    if (u.requiredSkill !== undefined && u.requiredSkill !== cur.requiredSkill) set.requiredSkill = u.requiredSkill;
    const dueAt = u.dueAt === undefined ? undefined : u.dueAt === null ? null : new Date(u.dueAt);
    if (dueAt !== undefined && dueAt?.getTime() !== cur.dueAt?.getTime()) set.dueAt = dueAt;
    const changed = Object.keys(set);
    if (!changed.length) return toDetail(cur, p);
    const [row] = await tx.update(serviceOrders).set({ ...set, version: sql`${serviceOrders.version} + 1`, updatedAt: sql`now()` })
      .where(eq(serviceOrders.id, id)).returning();
    const summary = toOrderSummary(row!);
    const [entry] = await tx.insert(timelineEntries).values({
      requestId: cur.requestId, kind: 'order', actorType: p.kind, actorId: p.id,
      body: `${summary.number} updated: ${changed.join(', ')}`,
      data: { orderId: id, number: summary.number, event: 'updated', changed, ...(set.priority ? { priorityFrom: cur.priority, priorityTo: set.priority } : {}) },
    }).returning();
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'update', entity: 'service_order', entityId: id, changes: { ...u, changed } });
    emit({ type: 'order.updated', data: { order: summary, changed } });
    emit({ type: 'request.timeline_added', data: toTimelineView(entry!) });
    return toDetail(row!, p);
  });
}

/** POST /orders/:id/transitions: the state machine decides; a refusal is a 409 naming the allowed next statuses. */
export async function transitionOrder(db: Db, bus: EventBus, p: Principal, id: string, t: z.infer<typeof OrderTransition>) {
  return commitWithEvents(db, bus, async (tx, emit) => {
    const cur = await lockOrder(tx, id);
    if (!cur || (p.role === 'technician' && (cur.technicianId !== p.userId || UNRELEASED.includes(cur.status)))) throw new NotFound('order', id);
    if (cur.version !== t.version) throw new StaleVersion('order', t.version, cur.version);
    let row = await applyTransition(tx, emit, cur, t.to, moverOf(p), t.reason);
    // A completion the customer already signed on site is accepted at once: the signature is the
    // customer's acceptance, recorded by the technician (hence the customer's role in the table).
    if (t.to === 'completed' && row.acceptedAt) {
      row = await applyTransition(tx, emit, row, 'accepted', { ...moverOf(p), role: 'customer' }, undefined, { acceptedVia: 'sign_off' });
    }
    return toDetail(row, p);
  });
}

export async function getOrder(db: Db, p: Principal, id: string) {
  const [row] = await db.select().from(serviceOrders).where(and(eq(serviceOrders.id, id), visibleOrders(p)));
  if (!row) throw new NotFound('order', id);
  return toDetail(row, p);
}

export function toDetail(o: OrderRow, p: Principal): z.infer<typeof OrderDetail> {
  const isOwn = p.role !== 'technician' || o.technicianId === p.userId;
  return {
    ...toOrderSummary(o), cause: o.cause, completedAt: o.completedAt?.toISOString() ?? null, acceptedVia: o.acceptedVia,
    closedAt: o.closedAt?.toISOString() ?? null, closeReason: o.closeReason,
    allowedTransitions: isOwn ? allowedOrderTransitions(o.status, p.role) : [],
  };
}
