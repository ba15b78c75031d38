import { randomUUID } from 'node:crypto';
import { insertRows } from '../../db/insert-rows.js';
import type { Tx } from '../../db/client.js';
import { serviceOrders, timelineEntries } from '../../db/schema/index.js';
import type { Actor } from '../contracts/intake-event.js';
import type { DomainEvent } from '../contracts/domain-events.js';
import type { OrderKind, Priority } from '../contracts/model.js';
import { NotFound } from '../platform/errors.js';
import { toTimelineView } from '../requests/summary.js';
import { firstTimer, orderClocks, slaFactsOf, slaFactsOfMany, slaKey } from '../sla/engine.js';
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
  const [order] = await createServiceOrders(tx, [input], emit);
  return order!;
}

/**
 * createServiceOrder for many orders at once, set-based: the requests' SLA facts in one
 * statement, the orders in one, then their on-site timers and timeline entries together. An
 * alarm storm's first batches open an order for hundreds of alarms; one by one, that was four
 * statements each, every one built anew. Returns the orders in the inputs' order; the events go
 * out per order (`order.created`, then its timeline entry).
 */
export async function createServiceOrders(tx: Tx, inputs: readonly NewServiceOrder[], emit: (e: DomainEvent) => void): Promise<OrderRow[]> {
  if (!inputs.length) return [];
  const now = new Date();
  const facts = await slaFactsOfMany(tx, inputs.map((i) => i.requestId));
  // ids chosen here tie each returned row (in no set order) to its input
  const drafts = inputs.map((input) => {
    const f = facts.get(input.requestId);
    if (!f) throw new NotFound('request', input.requestId);
    const clocks = orderClocks(f, input.priority, now);
    // Only corrective work races an on-site clock; planned maintenance and installations are scheduled.
    const onSiteDueAt = input.kind === 'corrective' ? clocks.onSiteDueAt : null;
    const row = {
      requestId: input.requestId, kind: input.kind, priority: input.priority, requiredSkill: input.requiredSkill ?? null,
      description: input.description ?? '', dueAt: input.dueAt !== undefined ? input.dueAt : clocks.dueAt, onSiteDueAt,
      ...input.extra, id: randomUUID(),
    };
    return { input, row, calendar: f.calendar };
  });
  const inserted = new Map((await insertRows(tx, serviceOrders, drafts.map((d) => d.row))).map((o) => [o.id, o]));
  const orders = drafts.map((d) => {
    const order = inserted.get(d.row.id);
    if (!order) throw new Error('insert returned no order');
    return order;
  });
  // Not armed here: the sweep puts them on the queue well before they come due (TIMER_HORIZON_MS).
  const timers = drafts.flatMap((d) => (d.row.onSiteDueAt
    ? [firstTimer(slaKey.onSite(d.row.id), { kind: 'sla.on_site', orderId: d.row.id, phase: 'warn' }, now, d.row.onSiteDueAt, d.calendar)]
    : []));
  const summaries = orders.map(toOrderSummary);
  const [, entries] = await Promise.all([
    timers.length ? TimerService.setMany(tx, timers) : [],
    insertRows(tx, timelineEntries, orders.map((order, i) => {
      const summary = summaries[i]!;
      const actor = drafts[i]!.input.actor;
      return {
        requestId: order.requestId, kind: 'order' as const, actorType: actor.type, actorId: actor.id ?? null,
        body: `${summary.number} opened: ${order.kind}, ${order.priority} priority${order.requiredSkill ? `, needs ${order.requiredSkill}` : ''}`,
        data: { orderId: order.id, number: summary.number, kind: order.kind, event: 'created' },
      };
    })),
  ]);
  const entryOf = new Map(entries.map((e) => [(e.data as { orderId?: string }).orderId, e]));
  summaries.forEach((summary, i) => {
    emit({ type: 'order.created', data: summary });
    const entry = entryOf.get(orders[i]!.id);
    if (entry) emit({ type: 'request.timeline_added', data: toTimelineView(entry) });
  });
  return orders;
}

/** The resolution due time for work on a request: its contract's SLA (else the house standard) in its team's calendar. */
export async function orderDueAt(tx: Tx, requestId: string, priority: Priority, from: Date): Promise<Date> {
  return orderClocks(await slaFactsOf(tx, requestId), priority, from).dueAt;
}
