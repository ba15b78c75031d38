import type { Tx } from '../../db/client.js';
import { serviceOrders, timelineEntries } from '../../db/schema/index.js';
import type { Actor } from '../contracts/intake-event.js';
import type { DomainEvent } from '../contracts/domain-events.js';
import type { OrderKind, Priority } from '../contracts/model.js';
import { toTimelineView } from '../requests/summary.js';
import { firstTimer, orderClocks, slaFactsOf, slaKey } from '../sla/engine.js';
import { TimerService } from '../timers/timers.js';
import { toOrderSummary, type OrderRow } from './summary.js';

export interface NewServiceOrder {
  requestId: string;
  kind: OrderKind;
  priority: Priority;
  requiredSkill?: string | null;
  description?: string;
  /** unset: the resolution time of the request's contract for this priority, in its team's business hours */
  dueAt?: Date | null;
  actor: Actor;
  /** extra columns of the order row (e.g. the alarm or plan that caused it) */
  extra?: Partial<typeof serviceOrders.$inferInsert>;
}

/**
 * Opens a service order for a request, inside the caller's transaction: the row, a timeline
 * entry on the request and the `order.created` event (numbered and published by the caller's
 * unit of work). Every way an order comes to be (alarm rule, agent, maintenance plan) uses this.
 */
export async function createServiceOrder(tx: Tx, input: NewServiceOrder, emit: (e: DomainEvent) => void): Promise<OrderRow> {
  const now = new Date();
  const facts = await slaFactsOf(tx, input.requestId);
  const clocks = orderClocks(facts, input.priority, now);
  const dueAt = input.dueAt !== undefined ? input.dueAt : clocks.dueAt;
  // Only corrective work races an on-site clock; planned maintenance and installations are scheduled.
  const onSiteDueAt = input.kind === 'corrective' ? clocks.onSiteDueAt : null;
  const [order] = await tx.insert(serviceOrders).values({
    requestId: input.requestId, kind: input.kind, priority: input.priority, requiredSkill: input.requiredSkill ?? null,
    description: input.description ?? '', dueAt, onSiteDueAt, ...input.extra,
  }).returning();
  if (!order) throw new Error('insert returned no order');
  if (onSiteDueAt) {
    // Not armed here: the sweep puts it on the queue well before it comes due (TIMER_HORIZON_MS).
    const t = firstTimer(slaKey.onSite(order.id), { kind: 'sla.on_site', orderId: order.id, phase: 'warn' }, now, onSiteDueAt, facts.calendar);
    await TimerService.set(tx, t.key, t.action, t.runAt);
  }
  const summary = toOrderSummary(order);
  const [entry] = await tx.insert(timelineEntries).values({
    requestId: input.requestId, kind: 'order', actorType: input.actor.type, actorId: input.actor.id ?? null,
    body: `${summary.number} opened: ${order.kind}, ${order.priority} priority${order.requiredSkill ? `, needs ${order.requiredSkill}` : ''}`,
    data: { orderId: order.id, number: summary.number, kind: order.kind, event: 'created' },
  }).returning();
  emit({ type: 'order.created', data: summary });
  if (entry) emit({ type: 'request.timeline_added', data: toTimelineView(entry) });
  return order;
}

/** The resolution due time for work on a request: its contract's SLA (else the house standard) in its team's calendar. */
export async function orderDueAt(tx: Tx, requestId: string, priority: Priority, from: Date): Promise<Date> {
  return orderClocks(await slaFactsOf(tx, requestId), priority, from).dueAt;
}
