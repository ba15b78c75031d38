import type { InferSelectModel } from 'drizzle-orm';
import type { serviceOrders } from '../../db/schema/index.js';
import type { OrderSummary } from '../contracts/domain-events.js';
import { formatOrderNumber } from '../contracts/model.js';

export type OrderRow = InferSelectModel<typeof serviceOrders>;

export function toOrderSummary(o: OrderRow): OrderSummary {
  return {
    id: o.id, number: formatOrderNumber(o.number), requestId: o.requestId, kind: o.kind, status: o.status,
    priority: o.priority, requiredSkill: o.requiredSkill, description: o.description, technicianId: o.technicianId,
    dueAt: o.dueAt?.toISOString() ?? null, onSiteDueAt: o.onSiteDueAt?.toISOString() ?? null, scheduledFor: o.scheduledFor?.toISOString() ?? null, sequence: o.sequence,
    acceptedAt: o.acceptedAt?.toISOString() ?? null, version: o.version,
    createdAt: o.createdAt.toISOString(), updatedAt: o.updatedAt.toISOString(),
  };
}
