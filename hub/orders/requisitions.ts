import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { auditLog, partsRequisitions, serviceOrders } from '../../db/schema/index.js';
import type { RequisitionSummary } from '../contracts/domain-events.js';
import type { RequisitionUpdate, RequisitionView } from '../contracts/api/orders.js';
import type { Principal } from '../auth/principal.js';
import { Conflict, NotFound, StaleVersion } from '../platform/errors.js';

type RequisitionRow = typeof partsRequisitions.$inferSelect;

export function toRequisitionSummary(r: RequisitionRow, requestId: string): RequisitionSummary {
  return {
    id: r.id, orderId: r.orderId, requestId, partNumber: r.partNumber, description: r.description, quantity: r.quantity,
    status: r.status, version: r.version, createdAt: r.createdAt.toISOString(),
  };
}

export function toRequisitionView(r: RequisitionRow, requestId: string): z.infer<typeof RequisitionView> {
  return { ...toRequisitionSummary(r, requestId), updatedAt: r.updatedAt.toISOString() };
}

/** open → ordered → delivered; open or ordered → cancelled. */
const NEXT: Record<RequisitionRow['status'], Array<RequisitionRow['status']>> = {
  open: ['ordered', 'cancelled'], ordered: ['delivered', 'cancelled'], delivered: [], cancelled: [],
};

export async function updateRequisition(db: Db, p: Principal, id: string, u: z.infer<typeof RequisitionUpdate>) {
  return db.transaction(async (tx) => {
    const [cur] = await tx.select({ r: partsRequisitions, requestId: serviceOrders.requestId }).from(partsRequisitions)
      .innerJoin(serviceOrders, eq(serviceOrders.id, partsRequisitions.orderId)).where(eq(partsRequisitions.id, id)).for('update', { of: partsRequisitions });
    if (!cur) throw new NotFound('parts requisition', id);
    if (cur.r.version !== u.version) throw new StaleVersion('parts requisition', u.version, cur.r.version);
    if (u.status === cur.r.status) return toRequisitionView(cur.r, cur.requestId);
    if (!NEXT[cur.r.status].includes(u.status)) {
      throw new Conflict(`a ${cur.r.status} requisition cannot become ${u.status}`, { from: cur.r.status, to: u.status, allowed: NEXT[cur.r.status] });
    }
    const [row] = await tx.update(partsRequisitions).set({ status: u.status, version: sql`${partsRequisitions.version} + 1`, updatedAt: sql`now()` })
      .where(and(eq(partsRequisitions.id, id))).returning();
    await tx.insert(auditLog).values({ actorType: p.kind, actorId: p.id, action: 'update', entity: 'parts_requisition', entityId: id, changes: { from: cur.r.status, to: u.status } });
    return toRequisitionView(row!, cur.requestId);
  });
}
