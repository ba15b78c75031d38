import { and, eq, isNotNull, notInArray, type SQL } from 'drizzle-orm';
import type { OrderStatus } from '../contracts/model.js';
import type { DbOrTx } from '../../db/client.js';
import { serviceOrders } from '../../db/schema/index.js';
import type { Principal } from '../auth/principal.js';

const NOBODY = '00000000-0000-0000-0000-000000000000';

/** Planned work is the dispatcher's draft: a technician sees an order once it is released to them. */
export const UNRELEASED: OrderStatus[] = ['new', 'planned'];

/** Technicians see only the orders released to them. */
export function visibleOrders(p: Principal): SQL | undefined {
  return p.role === 'technician'
    ? and(eq(serviceOrders.technicianId, p.userId ?? NOBODY), notInArray(serviceOrders.status, UNRELEASED))
    : undefined;
}

/** Customer feedback for closing a request: the customer accepted an order's work (sign-off on site or the portal). */
export async function hasCustomerAcceptance(tx: DbOrTx, requestId: string): Promise<boolean> {
  const [o] = await tx.select({ id: serviceOrders.id }).from(serviceOrders)
    .where(and(eq(serviceOrders.requestId, requestId), isNotNull(serviceOrders.acceptedAt))).limit(1);
  return !!o;
}
