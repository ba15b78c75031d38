import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.js';
import { auditLog, serviceOrders, timelineEntries } from '../../db/schema/index.js';
import type { DomainEvent } from '../contracts/domain-events.js';
import type { OrderStatus, Role } from '../contracts/model.js';
import { draftFromClosedOrder } from '../knowledge/service.js';
import { onMaintenanceOrderEnded } from '../maintenance/completion.js';
import { Conflict } from '../platform/errors.js';
import { slaKey } from '../sla/engine.js';
import { TimerService } from '../timers/timers.js';
import { toTimelineView } from '../requests/summary.js';
import { toOrderSummary, type OrderRow } from './summary.js';
import { checkOrderTransition, describeRefusal } from './transitions.js';

export interface Mover {
  role: Role;
  /** user or api_key id, for the timeline and the audit log */
  actorType: string;
  actorId: string | null;
  /** the signed-in user's id (technicians: must be the order's technician) */
  userId: string | null;
}

export type Emit = (e: DomainEvent) => void;

/** Loads an order for change (row lock) and checks the version the caller read. */
export async function lockOrder(tx: Tx, id: string): Promise<OrderRow | undefined> {
  const [row] = await tx.select().from(serviceOrders).where(eq(serviceOrders.id, id)).for('update');
  return row;
}

/**
 * Moves an order to `to` if the state machine allows it for this mover: the row, a timeline
 * entry on the request, the audit row and `order.status_changed` (plus `order.dispatched`).
 * Every status change goes through here: the transitions API, dispatch and the sign-off.
 */
export async function applyTransition(
  tx: Tx, emit: Emit, order: OrderRow, to: OrderStatus, by: Mover, reason?: string, extra: Partial<typeof serviceOrders.$inferInsert> = {},
): Promise<OrderRow> {
  const verdict = checkOrderTransition({
    from: order.status, to, role: by.role, reason,
    isAssignee: !!by.userId && order.technicianId === by.userId,
    hasTechnician: !!(extra.technicianId ?? order.technicianId),
    isAccepted: !!order.acceptedAt,
  });
  if (!verdict.ok) {
    throw new Conflict(describeRefusal(verdict, order.status, to, by.role), { from: order.status, to, reason: verdict.why, allowed: verdict.allowed });
  }
  const now = new Date();
  const set: Partial<typeof serviceOrders.$inferInsert> = { ...extra, status: to };
  if (to === 'completed') set.completedAt = now;
  if (to === 'accepted' && !order.acceptedAt) { set.acceptedAt = extra.acceptedAt ?? now; set.acceptedVia = extra.acceptedVia ?? 'recorded'; }
  if (to === 'rejected') { set.acceptedAt = null; set.acceptedVia = null; }
  if (to === 'closed' || to === 'cancelled') { set.closedAt = now; set.closeReason = reason ?? null; }
  const [row] = await tx.update(serviceOrders)
    .set({ ...set, version: sql`${serviceOrders.version} + 1`, updatedAt: sql`now()` })
    .where(eq(serviceOrders.id, order.id)).returning();
  if (to === 'completed' || to === 'cancelled') await onMaintenanceOrderEnded(tx, order.id, now);
  // The on-site clock stops once the technician is there (or the order is off); its timer would find nothing to do.
  if (to === 'on_site' || to === 'cancelled') await TimerService.cancel(tx, slaKey.onSite(order.id));
  const summary = toOrderSummary(row!);
  const [entry] = await tx.insert(timelineEntries).values({
    requestId: order.requestId, kind: 'order', actorType: by.actorType, actorId: by.actorId,
    body: `${summary.number}: ${order.status} → ${to}${reason ? ` (${reason})` : ''}`,
    data: { orderId: order.id, number: summary.number, event: 'status_changed', from: order.status, to, reason: reason ?? null },
  }).returning();
  await tx.insert(auditLog).values({
    actorType: by.actorType, actorId: by.actorId, action: 'transition', entity: 'service_order', entityId: order.id,
    changes: { from: order.status, to, reason: reason ?? null },
  });
  const previousTechnicianId = order.technicianId !== row!.technicianId ? order.technicianId : undefined;
  emit({ type: 'order.status_changed', data: { order: summary, from: order.status, to, reason: reason ?? null, ...(previousTechnicianId !== undefined ? { previousTechnicianId } : {}) } });
  if (to === 'dispatched' && row!.technicianId) {
    emit({ type: 'order.dispatched', data: { order: summary, technicianId: row!.technicianId, scheduledFor: summary.scheduledFor ?? null } });
  }
  emit({ type: 'request.timeline_added', data: toTimelineView(entry!) });
  // A solved case feeds the knowledge base: a draft article, or one more case on the existing one.
  if (to === 'closed') await draftFromClosedOrder(tx, emit, row!, { type: by.actorType, id: by.actorId });
  return row!;
}
